import { describe, expect, it } from "vitest";
import { runScenario, type RunSummary } from "../../src/cli/runScenario.ts";
import { withPlantedBug, type PlantedBugs } from "../../src/protocol/plantedBugs.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

/*
 * Proof that the checkers see: each known bug planted in the model, the fuzz scenario
 * (scenarios/fuzz.yaml: a fixed storm plus a swarm each seed draws) run seed after seed
 * until the checker named for the bug reports it. The bound is the number of seeds a
 * user would fuzz before trusting a clean result; the seed that caught each bug is
 * printed in the failure message when it is not found.
 */
const SEED_BOUND = 12;

const loaded = loadScenarioFile("scenarios/fuzz.yaml");
if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
const fuzz = loaded.scenario;

function count(summary: RunSummary, invariant: string): number {
  return summary.violations.find((v) => v.invariant === invariant)?.count ?? 0;
}

/** Runs seeds 1..SEED_BOUND with the bug planted until one of `invariants` is reported; what each seed found. */
function hunt(bug: keyof PlantedBugs, invariants: readonly string[]): { caughtBy: string | null; seen: string[] } {
  const seen: string[] = [];
  for (let seed = 1; seed <= SEED_BOUND; seed++) {
    const summary = withPlantedBug(bug, () => runScenario(fuzz, String(seed)));
    seen.push(`seed ${seed}: ${summary.violations.map((v) => `${v.invariant} ${v.count}`).join(", ") || "nothing"}`);
    if (invariants.some((i) => count(summary, i) > 0)) return { caughtBy: String(seed), seen };
  }
  return { caughtBy: null, seen };
}

const CASES: readonly { bug: keyof PlantedBugs; story: string; invariants: readonly string[] }[] = [
  { bug: "ackBeforeIsr", story: "a leader acknowledging acks=all before the ISR has the batch", invariants: ["lost-write"] },
  { bug: "hwLargestLeo", story: "a high watermark taken as the largest log end of the ISR", invariants: ["leader-completeness", "committed-prefix"] },
  { bug: "uncleanWithIsrAlive", story: "an unclean election while an ISR member is alive", invariants: ["leader-completeness"] },
  { bug: "ephemeralOutlivesSession", story: "an ephemeral node that outlives its session", invariants: ["ensemble"] },
  { bug: "consumerSkips", story: "a consumer whose position skips a record now and then", invariants: ["poll-skip"] },
  { bug: "commitOnePast", story: "a consumer committing one past its position", invariants: ["commit-skip"] },
];

describe(`checkers see planted bugs on the fuzz scenario within ${SEED_BOUND} seeds`, () => {
  for (const { bug, story, invariants } of CASES) {
    it(`${story} is caught as ${invariants.join(" or ")}`, () => {
      const { caughtBy, seen } = hunt(bug, invariants);
      expect(caughtBy, `${bug} not caught; the seeds found:\n${seen.join("\n")}`).not.toBeNull();
    });
  }
});
