/**
 * KIP-966, "Eligible Leader Replicas" (Kafka 4.0; on by default for new clusters from 4.1):
 * the "last replica standing" loss of its motivation section. The ISR shrinks to one replica
 * while min.insync.replicas=2, that replica loses power with records it had acknowledged
 * but not fsynced, and before KIP-966 it is elected again when it returns, so the replicas
 * that still had those records truncate them away. With KIP-966 the replica that left the
 * ISR below min.insync.replicas is an eligible leader replica, the restarted one (a new
 * process: an unclean shutdown) is not, and the partition waits for the eligible one: no
 * loss, and a longer time without a leader (the KIP's trade).
 * Scenario: scenarios/history/kip-966-last-replica-standing.yaml (its comment tells the story).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenario, type RunSummary } from "../../src/cli/runScenario.ts";
import { withSettings } from "../../src/scenario/withSetting.ts";

const FILE = fileURLToPath(new URL("../../scenarios/history/kip-966-last-replica-standing.yaml", import.meta.url));
const SEEDS = Array.from({ length: 10 }, (_, i) => String(i + 1));

function run(profile: "3.x" | "4.x", seed: string): RunSummary {
  const loaded = withSettings(readFileSync(FILE, "utf8"), FILE, [{ key: "profile", value: profile }]);
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  return runScenario(loaded.scenario, seed);
}

const broken = (r: RunSummary): string[] => r.violations.map((v) => `${v.invariant}:${v.count}`).sort();

describe("fidelity: KIP-966, the last replica standing", () => {
  const before = SEEDS.map((seed) => ({ seed, run: run("3.x", seed) }));
  const after = SEEDS.map((seed) => ({ seed, run: run("4.x", seed) }));

  it("on 3.x every one of 10 seeds loses acknowledged records: the restarted last ISR member leads with an empty log", () => {
    for (const { seed, run } of before) {
      expect(run.lostAcked, `seed ${seed}: ${broken(run)}`).toBeGreaterThan(0);
      expect(broken(run).some((v) => v.startsWith("leader-completeness:")), `seed ${seed}`).toBe(true);
    }
  });

  it("on 4.x (eligible leader replicas) the same 10 seeds lose nothing and break no invariant", () => {
    for (const { seed, run } of after) {
      expect(run.acked, `seed ${seed}`).toBe(before.find((b) => b.seed === seed)!.run.acked);
      expect(run.lostAcked, `seed ${seed}`).toBe(0);
      expect(broken(run), `seed ${seed}`).toEqual([]);
    }
  });

  it("the price on 4.x is availability: the partition waits for its eligible replica, at least 5 s longer unwritable than on 3.x", () => {
    for (const { seed, run } of after) {
      const old = before.find((b) => b.seed === seed)!.run;
      expect(run.unavailableMs, `seed ${seed}: 3.x ${old.unavailableMs} ms, 4.x ${run.unavailableMs} ms`).toBeGreaterThan(old.unavailableMs + 5_000);
    }
  });
});
