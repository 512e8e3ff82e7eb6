/**
 * Jepsen, "Call me maybe: Kafka" (2013): with Kafka 0.8's defaults, an ISR that shrank to
 * the leader alone plus an unclean election loses acknowledged acks=all writes; with
 * min.insync.replicas=2 and clean elections only, nothing acknowledged is lost.
 * Scenario: scenarios/history/jepsen-2013.yaml (its comment tells the story).
 */
import { describe, expect, it } from "vitest";
import { broken, count, runHistory, seeds, setting } from "./anomalies-harness.ts";

const FILE = "jepsen-2013.yaml";
const SEEDS = seeds(20);
const FIX = [setting("min.insync.replicas", "2"), setting("unclean.leader.election.enable", "false")];

describe("fidelity: Jepsen 2013, acknowledged writes lost to an ISR of one and an unclean election", () => {
  it("on the 0.10 profile (0.8-era defaults) every one of 20 seeds loses acknowledged writes, and the new leader lacks committed records", () => {
    for (const seed of SEEDS) {
      const run = runHistory(FILE, seed);
      expect(run.lostAcked, `seed ${seed}: ${broken(run)}`).toBeGreaterThan(0);
      expect(count(run, "lost-write"), `seed ${seed}`).toBe(run.lostAcked);
      expect(count(run, "leader-completeness"), `seed ${seed}`).toBeGreaterThan(0);
    }
  });

  it("with min.insync.replicas=2 and unclean.leader.election.enable=false the same 20 seeds lose nothing and break no invariant", () => {
    for (const seed of SEEDS) {
      const run = runHistory(FILE, seed, FIX);
      expect(run.acked, `seed ${seed}`).toBeGreaterThan(0);
      expect(run.lostAcked, `seed ${seed}`).toBe(0);
      expect(broken(run), `seed ${seed}`).toEqual([]);
    }
  });

  // KIP-106 made clean elections the default in 0.11; min.insync.replicas stayed 1.
  for (const profile of ["0.11", "3.x"]) {
    it(`on the ${profile} profile (clean elections by default, min.insync.replicas still 1) the same 20 seeds lose nothing: the partition waits offline for its last ISR member`, () => {
      for (const seed of SEEDS) {
        const run = runHistory(FILE, seed, [setting("profile", profile)]);
        expect(run.lostAcked, `seed ${seed}`).toBe(0);
        expect(broken(run), `seed ${seed}`).toEqual([]);
      }
    });
  }
});
