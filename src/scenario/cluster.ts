import { DEFAULT_DISK, DEFAULT_NETWORK, type DiskOptions, type NetworkOptions } from "../../sim/index.ts";
import type { KafkaConfig, Profile } from "../protocol/config/index.ts";
import { readConfigBlock, kafkaKeyAdvice } from "./configBlock.ts";
import { read, readDuration, readSize, wholeNumber } from "./fields.ts";
import type { Field, Reader } from "./Reader.ts";
import { z } from "zod";

/**
 * `cluster:` (brokers, ensemble size, broker config), `network:` and `disk:`. Every field
 * is optional; network and disk defaults are the kernel's (DEFAULT_NETWORK, DEFAULT_DISK), or a hardware profile's.
 */
export const DEFAULT_BROKERS = 3;
export const MAX_BROKERS = 100;
export const DEFAULT_ENSEMBLE = 1;
const ENSEMBLE_SIZES = [1, 3, 5] as const;

export interface ClusterPart {
  /** null when the file's value was invalid (then checks that need it are skipped). */
  readonly brokers: number | null;
  readonly ensemble: number | null;
  readonly config: KafkaConfig<"broker">;
}

const ensembleSize = z.union(ENSEMBLE_SIZES.map((n) => z.literal(n)), {
  error: (issue) => `the ensemble has 1, 3 or 5 members (an odd number, so a majority survives a split), got ${JSON.stringify(issue.input) ?? "nothing"}`,
});

export function readCluster(r: Reader, field: Field, profile: Profile): ClusterPart {
  const entries = r.mapping(field, "a mapping {brokers, ensemble, config}") ?? new Map<string, Field>();
  r.knownKeys(entries, ["brokers", "ensemble", "config"], "cluster", (key) => {
    if (key === "zookeeper" || key === "zk") return { problem: "the coordination ensemble's size is cluster.ensemble", suggestion: "ensemble" };
    return kafkaKeyAdvice("broker")(key);
  });
  const brokers = read(r, r.entry(entries, field, "brokers"), wholeNumber("brokers", 1, MAX_BROKERS), DEFAULT_BROKERS) ?? null;
  const ensemble = read(r, r.entry(entries, field, "ensemble"), ensembleSize, DEFAULT_ENSEMBLE) ?? null;
  const config = readConfigBlock(r, r.entry(entries, field, "config"), "broker", profile);
  return { brokers, ensemble, config };
}

export function readNetwork(r: Reader, field: Field, defaults: NetworkOptions = DEFAULT_NETWORK): NetworkOptions {
  const entries = r.mapping(field, "a mapping {latency, jitter, bandwidth, retransmit, stall-reset}") ?? new Map<string, Field>();
  r.knownKeys(entries, ["latency", "jitter", "bandwidth", "retransmit", "stall-reset"], "network");
  const at = (key: string): Field => r.entry(entries, field, key);
  return {
    latencyMicros: readDuration(r, at("latency"), defaults.latencyMicros) ?? defaults.latencyMicros,
    jitterMicros: readDuration(r, at("jitter"), defaults.jitterMicros) ?? defaults.jitterMicros,
    bandwidthBytesPerSec: readSize(r, at("bandwidth"), defaults.bandwidthBytesPerSec, true) ?? defaults.bandwidthBytesPerSec,
    retransmitMicros: readDuration(r, at("retransmit"), defaults.retransmitMicros, 1) ?? defaults.retransmitMicros,
    stallResetMicros: readDuration(r, at("stall-reset"), defaults.stallResetMicros, 1) ?? defaults.stallResetMicros,
  };
}

const crashLoss = z.enum(["all", "torn"], {
  error: (issue) => `expected all (a crash loses every unsynced write) or torn (a random tail of them), got ${JSON.stringify(issue.input) ?? "nothing"}`,
});

export function readDisk(r: Reader, field: Field, defaults: DiskOptions = DEFAULT_DISK): DiskOptions {
  const entries = r.mapping(field, "a mapping {fsync, throughput, capacity, crash-loss}") ?? new Map<string, Field>();
  r.knownKeys(entries, ["fsync", "throughput", "capacity", "crash-loss"], "disk");
  const at = (key: string): Field => r.entry(entries, field, key);
  return {
    fsyncMicros: readDuration(r, at("fsync"), defaults.fsyncMicros) ?? defaults.fsyncMicros,
    throughputBytesPerSec: readSize(r, at("throughput"), defaults.throughputBytesPerSec, true) ?? defaults.throughputBytesPerSec,
    capacityBytes: readSize(r, at("capacity"), defaults.capacityBytes, false) ?? defaults.capacityBytes,
    crashLoss: read(r, at("crash-loss"), crashLoss, defaults.crashLoss) ?? defaults.crashLoss,
  };
}
