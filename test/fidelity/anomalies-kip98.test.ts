/**
 * KIP-98 (idempotent producer, Kafka 0.11; on by default from 3.0): without idempotence a
 * producer's retries write records twice and, with several requests in flight, out of
 * order; with it, neither. Scenario: scenarios/history/kip-98-retries.yaml (its comment
 * tells the story).
 */
import { describe, expect, it } from "vitest";
import { broken, count, runHistory, seeds, setting } from "./anomalies-harness.ts";

const FILE = "kip-98-retries.yaml";
const SEEDS = seeds(20);

describe("fidelity: KIP-98, duplicates and reordering on retry without idempotence", () => {
  it("on the 2.1 profile without idempotence every one of 20 seeds writes duplicates and acknowledges later sends at lower offsets, losing nothing", () => {
    for (const seed of SEEDS) {
      const run = runHistory(FILE, seed);
      expect(count(run, "duplicate"), `seed ${seed}: ${broken(run)}`).toBeGreaterThan(0);
      expect(run.duplicated, `seed ${seed}`).toBeGreaterThan(0);
      expect(count(run, "nonmonotonic-send"), `seed ${seed}: ${broken(run)}`).toBeGreaterThan(0);
      expect(run.lostAcked, `seed ${seed}`).toBe(0);
    }
  });

  it("with enable.idempotence=true on the same profile the same 20 seeds write every record once, in order", () => {
    for (const seed of SEEDS) {
      const run = runHistory(FILE, seed, [setting("enable.idempotence", "true")]);
      expect(run.acked, `seed ${seed}`).toBeGreaterThan(0);
      expect(run.duplicated, `seed ${seed}`).toBe(0);
      expect(run.lostAcked, `seed ${seed}`).toBe(0);
      expect(broken(run), `seed ${seed}`).toEqual([]);
    }
  });

  it("on the 3.x profile, where idempotence is the default, the same 20 seeds write every record once, in order", () => {
    for (const seed of SEEDS) {
      const run = runHistory(FILE, seed, [setting("profile", "3.x")]);
      expect(run.duplicated, `seed ${seed}`).toBe(0);
      expect(broken(run), `seed ${seed}`).toEqual([]);
    }
  });
});
