import { describe, expect, it } from "vitest";
import { chaosVerdict } from "./chaos.ts";

const SEEDS = Array.from({ length: 18 }, (_, i) => String(i + 1));

describe("coordination: randomized faults", () => {
  it.each(SEEDS)(
    "crashes (some losing unsynced data), restarts, pauses, partitions, slow links and disks lose no acknowledged write and end in agreement (seed %s)",
    (seed) => {
      const { run, problems, context } = chaosVerdict(seed);
      expect(problems, context).toEqual([]);
      // The run did something: writes were acknowledged and faults injected.
      expect(run.world.history.acked().length, context).toBeGreaterThan(50);
      expect(run.faults.filter((f) => !f.includes("skipped")).length, context).toBeGreaterThanOrEqual(4);
    },
  );
});
