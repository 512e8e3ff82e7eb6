/**
 * KIP-101, scenario 1 ("high watermark truncation followed by immediate leader election"):
 * before leader epochs, a replica that becomes a follower truncates to its own high
 * watermark, which lags the leader's by a fetch; elected before it fetches again, it leads
 * without acknowledged records. With leader epochs (0.11 onwards) it asks the leader
 * first and truncates nothing the leader had. Scenario:
 * scenarios/history/kip-101-hw-truncation.yaml (its comment tells the story).
 */
import { describe, expect, it } from "vitest";
import { broken, count, runHistory, seeds, setting } from "./anomalies-harness.ts";

const FILE = "kip-101-hw-truncation.yaml";
const SEEDS = seeds(20);

describe("fidelity: KIP-101 scenario 1, an acknowledged record lost to truncation at the high watermark", () => {
  it("on the 0.10 profile every one of 20 seeds loses acknowledged records, and the cleanly elected leader lacks committed ones", () => {
    for (const seed of SEEDS) {
      const run = runHistory(FILE, seed);
      expect(run.lostAcked, `seed ${seed}: ${broken(run)}`).toBeGreaterThan(0);
      expect(count(run, "lost-write"), `seed ${seed}`).toBe(run.lostAcked);
      expect(count(run, "leader-completeness"), `seed ${seed}`).toBeGreaterThan(0);
    }
  });

  for (const profile of ["0.11", "2.1", "3.x"]) {
    it(`on the ${profile} profile (leader epochs) the same 20 seeds lose nothing and break no invariant`, () => {
      for (const seed of SEEDS) {
        const run = runHistory(FILE, seed, [setting("profile", profile)]);
        expect(run.acked, `seed ${seed}`).toBeGreaterThan(0);
        expect(run.lostAcked, `seed ${seed}`).toBe(0);
        expect(broken(run), `seed ${seed}`).toEqual([]);
      }
    });
  }
});
