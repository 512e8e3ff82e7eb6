import { describe, expect, it } from "vitest";
import { seconds } from "../../sim/index.ts";
import { chaosVerdict } from "./chaos.ts";

const SEEDS = Array.from({ length: 14 }, (_, i) => `storm-${i + 1}`);

describe("coordination: fault storms", () => {
  it.each(SEEDS)(
    "a fault every 0.3-2 s, at most a minority of members down at once, loses no acknowledged write and ends in agreement (seed %s)",
    (seed) => {
      const { run, problems, context } = chaosVerdict(seed, { faultGapMicros: [seconds(0.3), seconds(2)] });
      expect(problems, context).toEqual([]);
      expect(run.world.history.acked().length, context).toBeGreaterThan(50);
      expect(run.faults.filter((f) => !f.includes("skipped")).length, context).toBeGreaterThanOrEqual(15);
    },
  );
});
