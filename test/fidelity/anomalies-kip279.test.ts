/**
 * KIP-279 (Kafka 2.0): with leader epochs as KIP-101 first answered OffsetsForLeaderEpoch,
 * replicas still diverge after fast leader fail-overs (a follower asks about an epoch the
 * leader never had and is told an offset past its own records); with KIP-279's answer (the
 * largest epoch not above the one asked, and its end) they do not. Scenario:
 * scenarios/history/kip-279-fast-failover.yaml (its comment tells the story).
 */
import { describe, expect, it } from "vitest";
import { broken, count, runHistory, seeds, setting } from "./anomalies-harness.ts";

const FILE = "kip-279-fast-failover.yaml";
const SEEDS = seeds(20);

describe("fidelity: KIP-279, replicas that diverge after fast leader fail-overs under KIP-101's answer", () => {
  it("on the 0.11 profile (KIP-101's answer) the replicas disagree below their high watermarks in every one of 20 seeds", () => {
    for (const seed of SEEDS) {
      const run = runHistory(FILE, seed);
      expect(count(run, "committed-prefix"), `seed ${seed}: ${broken(run)}`).toBeGreaterThan(0);
    }
  });

  for (const profile of ["2.1", "3.x"]) {
    it(`on the ${profile} profile (KIP-279's answer) the replicas agree in the same 20 seeds`, () => {
      for (const seed of SEEDS) {
        const run = runHistory(FILE, seed, [setting("profile", profile)]);
        expect(count(run, "committed-prefix"), `seed ${seed}: ${broken(run)}`).toBe(0);
      }
    });
  }
});
