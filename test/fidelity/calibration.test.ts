import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { calibrate, CALIBRATIONS, type CalibrationReport } from "../../src/cli/calibrate/index.ts";
import { parseScenario } from "../../src/scenario/index.ts";
import { HARDWARE_PROFILES } from "../../src/scenario/hardware.ts";

const KSIM = join(import.meta.dirname, "..", "..", "bin", "ksim.js");

// One run of every calibration scenario (about half a minute); the assertions share it.
let report: CalibrationReport;
beforeAll(() => {
  report = calibrate({ seed: "1" });
}, 120_000);
const result = (id: string) => report.results.find((r) => r.id === id)!;

describe("fidelity: throughput ratios of published Kafka benchmarks", () => {
  it("ksim calibrate compares every published ratio", () => {
    expect(report.results.map((r) => r.id)).toEqual(CALIBRATIONS.map((c) => c.id));
  });

  it("Kreps 2014: 3x asynchronous replication keeps 0.958 of the unreplicated rate, within 15%", () => {
    const r = result("kreps-2014-async");
    expect(r.published).toBeCloseTo(0.958, 3);
    expect(Math.abs(r.measured / 0.958 - 1)).toBeLessThanOrEqual(0.15);
    expect(r.ok).toBe(true);
  });

  it("Kreps 2014: 3x synchronous replication (acks=all) keeps 0.513 of the unreplicated rate, within 15%", () => {
    const r = result("kreps-2014-sync");
    expect(r.published).toBeCloseTo(0.513, 3);
    expect(Math.abs(r.measured / 0.513 - 1)).toBeLessThanOrEqual(0.15);
    expect(r.ok).toBe(true);
  });

  it("NetDB 2011: batches of 50 give 8x the producer rate of batches of 1, within 25%", () => {
    const r = result("netdb-2011-batching");
    expect(Math.abs(r.measured / 8 - 1)).toBeLessThanOrEqual(0.25);
    expect(r.ok).toBe(true);
  });

  it("without replication one producer is held by its 1 Gbit/s NIC, not by the brokers", () => {
    const none = result("kreps-2014-async").denominator;
    // Record values only: the wire also carries each record's and batch's headers, so values stay under 125 MB/s.
    expect(none.valueMegabytesPerSec).toBeGreaterThan(95);
    expect(none.valueMegabytesPerSec).toBeLessThan(125);
  });
});

describe("scenario: hardware profiles", () => {
  const base = "topics: [{name: t}]\nproducers: [{topic: t, rate: max}]\n";

  it("hardware: kreps-2014 gives 1 Gbit/s NICs, the six disks' 822 MB/s and the brokers' CPU costs", () => {
    const r = parseScenario(`hardware: kreps-2014\n${base}`, "k.yaml");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.network.bandwidthBytesPerSec).toBe(125_000_000);
    expect(r.scenario.disk.throughputBytesPerSec).toBe(822_000_000);
    expect(r.scenario.hardware).toEqual({ profile: "kreps-2014", requestMicros: HARDWARE_PROFILES["kreps-2014"]!.requestMicros, recordMicros: HARDWARE_PROFILES["kreps-2014"]!.recordMicros });
    expect(r.scenario.producers[0]!.ratePerSec).toBe(Infinity);
  });

  it("a scenario's own network: keys win over the profile's", () => {
    const r = parseScenario(`hardware: kreps-2014\nnetwork: {latency: 2ms}\n${base}`, "k.yaml");
    expect(r.ok && r.scenario.network.latencyMicros).toBe(2_000);
    expect(r.ok && r.scenario.network.bandwidthBytesPerSec).toBe(125_000_000);
  });

  it("the CPU costs can be restated, in microseconds with fractions", () => {
    const r = parseScenario(`hardware: {profile: netdb-2011, request-cost: 0us, record-cost: 1.5us}\n${base}`, "k.yaml");
    expect(r.ok && r.scenario.hardware).toEqual({ profile: "netdb-2011", requestMicros: 0, recordMicros: 1.5 });
  });

  it("without hardware: nothing is charged and the kernel's defaults apply", () => {
    const r = parseScenario(base, "k.yaml");
    expect(r.ok && r.scenario.hardware).toBe(undefined);
  });

  it("an unknown profile is an error at its line with the nearest name", () => {
    const r = parseScenario(`name: x\nhardware: kreps-2041\n${base}`, "k.yaml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.line).toBe(2);
    expect(r.errors[0]!.message).toContain("unknown hardware profile");
    expect(r.errors[0]!.message + (r.errors[0]!.suggestion ?? "")).toContain("kreps-2014");
  });

  it("an unknown key under hardware: and a rate that is neither a number nor max are errors", () => {
    const r = parseScenario(`hardware: {profile: kreps-2014, cpu: 3}\ntopics: [{name: t}]\nproducers: [{topic: t, rate: fast}]\n`, "k.yaml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([1, 3]);
  });
});

describe("command line: ksim calibrate", () => {
  it("--json prints the comparison and exits 0 when the ratio is within its tolerance", () => {
    const r = spawnSync(process.execPath, [KSIM, "calibrate", "--only", "netdb-2011-batching", "--json"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.results[0].id).toBe("netdb-2011-batching");
    expect(out.results[0].published).toBe(8);
    // The same seed gives the same runs, in a child process as in this one.
    expect(out.results[0].numerator.fingerprint).toBe(result("netdb-2011-batching").numerator.fingerprint);
    expect(out.results[0].measured).toBe(result("netdb-2011-batching").measured);
  }, 60_000);

  it("an unknown calibration is a usage error: exit 2, no stack trace", () => {
    const r = spawnSync(process.execPath, [KSIM, "calibrate", "--only", "nope"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no such calibration");
    expect(r.stderr).not.toContain("at ");
  }, 30_000);
});
