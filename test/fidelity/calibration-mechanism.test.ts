import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CALIBRATION_DIR } from "../../src/cli/calibrate/index.ts";
import { measureScenario } from "../../src/cli/calibrate/measureThroughput.ts";
import { parseScenario } from "../../src/scenario/index.ts";

/** A calibration scenario with its brokers' CPU costs set to nothing. */
function withoutCpuCosts(file: string) {
  const text = readFileSync(join(CALIBRATION_DIR, file), "utf8").replace(/^hardware: kreps-2014$/m, "hardware: {profile: kreps-2014, request-cost: 0us, record-cost: 0us}");
  const parsed = parseScenario(text, file);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return parsed.scenario;
}

describe("fidelity: what makes synchronous replication slower", () => {
  it("without the brokers' per-record CPU time, acks=all keeps up with the network as acks=1 does", () => {
    const sync = measureScenario(withoutCpuCosts("kreps-2014-sync-replication.yaml"), "1", 500_000);
    // The producer's NIC (1 Gbit/s) is the limit then, as without replication: about 1.1 million records/s.
    expect(sync.recordsPerSec).toBeGreaterThan(900_000);
  }, 60_000);
});
