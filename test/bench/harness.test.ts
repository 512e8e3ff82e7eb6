import { describe, expect, it } from "vitest";
import { anotherRun, spread } from "../../bench/lib/harness.ts";
import { goalTable } from "../../bench/lib/goals.ts";

describe("bench harness", () => {
  it("runs up to the asked number, and stops early when one more run would pass the budget", () => {
    expect(anotherRun([], 3, 1000)).toBe(true);
    expect(anotherRun([400], 3, 1000)).toBe(true); // 400 + 400 fits
    expect(anotherRun([400, 400], 3, 1000)).toBe(false); // 800 + 400 does not
    expect(anotherRun([10, 10, 10], 3, 1000)).toBe(false); // three done
    expect(anotherRun([5000], 3, 1000)).toBe(false); // the first alone took past the budget
  });

  it("reports the median with min and max", () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it("sets each figure against its goal, says whether it is met, and marks a run that did not complete", () => {
    const table = goalTable(
      {
        kernel: { ratio: 0.62 },
        steady: { recordsPerWallSec: 150_000, bytesPerRecord: 28, completed: false },
        fuzz: { seedsPerMinPerCore: 40 },
      },
      false,
    ).join("\n");
    expect(table).toMatch(/kernel\s+kernel\/bare heap ratio\s+0\.620\s+>= 0\.500\s+yes/);
    expect(table).toMatch(/steady\s+records per wall second\s+150\.0k \(partial run\)\s+>= 2\.00M\s+no/);
    expect(table).toMatch(/steady\s+history bytes per record\s+28\.0 \(partial run\)\s+<= 32\.0\s+yes/);
    expect(table).toMatch(/fuzz\s+seeds per minute per core\s+40\.0\s+>= 300\.0\s+no/);
    expect(table).not.toMatch(/light/);
  });
});
