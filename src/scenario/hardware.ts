import { DEFAULT_DISK, DEFAULT_NETWORK, type DiskOptions, type Micros, type NetworkOptions } from "../../sim/index.ts";
import { closestName } from "../protocol/config/index.ts";
import { readDuration } from "./fields.ts";
import type { Field, Reader } from "./Reader.ts";

/**
 * `hardware:` the machines a scenario runs on, by a named profile of published hardware
 * (`hardware: kreps-2014`) or a profile with its CPU costs restated
 * (`hardware: {profile: kreps-2014, request-cost: 15us, record-cost: 2us}`). A profile
 * gives the network's and disks' defaults (a scenario's own `network:` and `disk:` keys
 * still win) and the brokers' CPU time per request and per record. Without `hardware:`
 * requests cost no CPU time and the kernel's defaults apply, as before profiles existed.
 */
export interface HardwareSpec {
  /** The profile's name, or null without `hardware:`. */
  readonly profile: string | null;
  /** Broker CPU time per produce or fetch request (parsing, system calls, the answer). */
  readonly requestMicros: Micros;
  /** Broker CPU time per record appended, by a leader or a follower (CRC check, offset assignment). */
  readonly recordMicros: Micros;
}

export const NO_HARDWARE: HardwareSpec = { profile: null, requestMicros: 0, recordMicros: 0 };

export interface HardwareProfile {
  readonly description: string;
  /** Where each figure comes from. */
  readonly sources: readonly string[];
  readonly network: NetworkOptions;
  readonly disk: DiskOptions;
  readonly requestMicros: Micros;
  readonly recordMicros: Micros;
}

/**
 * NetDB 2011 (Kreps, Narkhede, Rao, "Kafka: a Distributed Messaging System for Log
 * Processing"), section 5: "the Kafka producer currently doesn't wait for acknowledgements
 * from the broker and sends messages as fast as the broker can handle", 50,000 messages/s
 * in batches of 1 and 400,000 in batches of 50 (200-byte messages). The broker's time per
 * request is then 1/50,000 s = 20 us with one message and 50/400,000 s = 125 us with 50:
 * 2.14 us per message and 17.86 us per request besides.
 */
const NETDB_2011_REQUEST_MICROS = 17.86;
const NETDB_2011_RECORD_MICROS = 2.14;
/** Kreps 2014's Xeons ran at 2.5 GHz, the 2011 machines' cores at 2 GHz: the same work takes 2/2.5 of the time. */
const CLOCK_2011_TO_2014 = 2.0 / 2.5;

export const HARDWARE_PROFILES: Readonly<Record<string, HardwareProfile>> = {
  "netdb-2011": {
    description: "two machines with 8 cores at 2 GHz, 16 GB, six disks in RAID 10, one 1 Gbit/s link (the Kafka paper, NetDB 2011)",
    sources: [
      "Kreps, Narkhede, Rao: Kafka: a Distributed Messaging System for Log Processing, NetDB 2011, section 5 (setup and producer test)",
    ],
    network: { ...DEFAULT_NETWORK, latencyMicros: 100, jitterMicros: 20, bandwidthBytesPerSec: 125_000_000 },
    // RAID 10 over six drives: three mirrored pairs striped, about 3 x 100 MB/s of sequential writes.
    disk: { ...DEFAULT_DISK, fsyncMicros: 8_300, throughputBytesPerSec: 300_000_000 },
    requestMicros: NETDB_2011_REQUEST_MICROS,
    recordMicros: NETDB_2011_RECORD_MICROS,
  },
  "kreps-2014": {
    description: "three brokers with six cores at 2.5 GHz, 32 GB, six 7200 rpm SATA drives (JBOD), 1 Gbit/s Ethernet (Kreps 2014)",
    sources: [
      "Kreps: Benchmarking Apache Kafka: 2 Million Writes Per Second (On Three Cheap Machines), LinkedIn engineering blog, 2014",
      "CPU costs: the NetDB 2011 broker costs scaled from 2 GHz to 2.5 GHz cores",
    ],
    network: { ...DEFAULT_NETWORK, latencyMicros: 100, jitterMicros: 20, bandwidthBytesPerSec: 125_000_000 },
    // The blog: the six disks together do 822 MB/s of linear writes; an fsync waits for a seek and half a turn (7200 rpm).
    disk: { ...DEFAULT_DISK, fsyncMicros: 8_300, throughputBytesPerSec: 822_000_000 },
    requestMicros: round2(NETDB_2011_REQUEST_MICROS * CLOCK_2011_TO_2014),
    recordMicros: round2(NETDB_2011_RECORD_MICROS * CLOCK_2011_TO_2014),
  },
};

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export const HARDWARE_KEYS = ["profile", "request-cost", "record-cost"] as const;

/** What `hardware:` gives the rest of the loader: the spec, and the defaults for network: and disk:. */
export interface HardwarePart {
  readonly spec: HardwareSpec;
  readonly network: NetworkOptions;
  readonly disk: DiskOptions;
}

export function readHardware(r: Reader, field: Field): HardwarePart {
  const none: HardwarePart = { spec: NO_HARDWARE, network: DEFAULT_NETWORK, disk: DEFAULT_DISK };
  if (r.isEmpty(field)) return none;
  const name = r.scalarText(field);
  if (name !== undefined) return fromProfile(r, field, name) ?? none;
  const entries = r.mapping(field, `a hardware profile's name (${profileNames()}) or a mapping {profile, request-cost, record-cost}`);
  if (entries === undefined) return none;
  r.knownKeys(entries, HARDWARE_KEYS, "hardware");
  const at = (key: string): Field => r.entry(entries, field, key);
  const profileName = r.scalarText(at("profile"));
  if (profileName === undefined) {
    r.fail(at("profile"), `expected a hardware profile's name: ${profileNames()}`);
    return none;
  }
  const base = fromProfile(r, at("profile"), profileName);
  if (base === undefined) return none;
  // Fractions of a microsecond matter per record: read the duration in nanoseconds' worth of precision.
  const requestMicros = readCost(r, at("request-cost"), base.spec.requestMicros);
  const recordMicros = readCost(r, at("record-cost"), base.spec.recordMicros);
  return { ...base, spec: { ...base.spec, requestMicros, recordMicros } };
}

function fromProfile(r: Reader, field: Field, name: string): HardwarePart | undefined {
  const profile = Object.hasOwn(HARDWARE_PROFILES, name) ? HARDWARE_PROFILES[name] : undefined;
  if (profile === undefined) {
    return r.fail(field, `unknown hardware profile ${JSON.stringify(name)}; expected one of ${profileNames()}`, closestName(name, Object.keys(HARDWARE_PROFILES)));
  }
  return {
    spec: { profile: name, requestMicros: profile.requestMicros, recordMicros: profile.recordMicros },
    network: profile.network,
    disk: profile.disk,
  };
}

/** A CPU cost as a duration (`15us`, `1500ns` is not a unit here: `1.5us`). */
function readCost(r: Reader, field: Field, fallback: Micros): Micros {
  if (r.isEmpty(field)) return fallback;
  const text = r.scalarText(field);
  const match = text === undefined ? null : /^(\d+(?:\.\d+)?)\s*us$/.exec(text.trim());
  if (match === null) return readDuration(r, field, fallback) ?? fallback;
  return Number(match[1]);
}

function profileNames(): string {
  return Object.keys(HARDWARE_PROFILES).join(", ");
}
