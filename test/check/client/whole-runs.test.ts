import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../../src/scenario/index.ts";
import { World } from "../../../src/world/World.ts";
import { ViolationSink } from "../../../src/check/Violation.ts";
import { checkHistory } from "../../../src/check/client/index.ts";
import { withPlantedBug } from "../../../src/protocol/plantedBugs.ts";

function checkRun(file: string, seed: string, plant?: "commitOnePast"): { world: World; sink: ViolationSink } {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  const world = new World(r.scenario, seed);
  if (plant) withPlantedBug(plant, () => world.run());
  else world.run();
  const committed = world.committedValues();
  const sink = new ViolationSink();
  checkHistory(world.history, sink, { atMicros: world.sim.now, committed: (topic, partition) => committed.get(`${topic}-${partition}`) ?? null });
  return { world, sink };
}

describe("client checkers on whole runs", () => {
  it("the rebalance story (members leave and join, records redelivered) reads every acknowledged record in order: no client anomaly", () => {
    const { world, sink } = checkRun("scenarios/rebalance.yaml", "1");
    expect(world.history.polledRecordCount).toBeGreaterThan(10_000);
    expect(world.groups.rebalances).toBeGreaterThanOrEqual(3);
    expect(sink.list()).toEqual([]);
  });

  it("a zombie consumer's redelivered records are neither skips nor nonmonotonic polls", () => {
    const { world, sink } = checkRun("scenarios/zombie-consumer.yaml", "1");
    expect(world.groups.redelivered).toBeGreaterThan(0);
    expect(sink.list()).toEqual([]);
  });

  it("an unclean election shows one offset acknowledged with two values", () => {
    const { sink } = checkRun("scenarios/unclean-election.yaml", "1");
    expect(sink.count("inconsistent-offsets")).toBeGreaterThan(0);
    expect(sink.list().map((v) => v.invariant)).toEqual(["inconsistent-offsets"]);
  });

  it("with a planted bug that commits one past the position, the next owner starts past a record nobody reads: unseen, lost-write-read", () => {
    const { sink } = checkRun("scenarios/rebalance.yaml", "1", "commitOnePast");
    expect(sink.count("unseen")).toBeGreaterThan(0);
    expect(sink.count("lost-write-read")).toBeGreaterThan(0);
    // Each owner polls in order within its assignment: the skip happens between assignments.
    expect(sink.count("poll-skip") + sink.count("inconsistent-offsets") + sink.count("nonmonotonic-poll")).toBe(0);
  });
});
