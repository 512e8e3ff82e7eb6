import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../src/scenario/index.ts";
import { World } from "../../src/world/World.ts";

function run(file: string, seed: string): World {
  const r = loadScenarioFile(file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  const world = new World(r.scenario, seed);
  world.run();
  return world;
}

/** (partition, generation) -> the members that processed its records in that generation. */
function owners(world: World): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of world.groups.processedStream()) {
    const key = `${e.topic}-${e.partition}@${e.generation}`;
    let set = out.get(key);
    if (!set) out.set(key, (set = new Set()));
    set.add(e.member);
  }
  return out;
}

describe("consumer groups: one owner per partition and generation", () => {
  it("in the rebalance story every partition has a single owner in each generation, across three generations", () => {
    const world = run("scenarios/rebalance.yaml", "1");
    const byKey = owners(world);
    expect(byKey.size).toBeGreaterThan(6);
    for (const [key, members] of byKey) expect([key, [...members]]).toEqual([key, [members.values().next().value]]);
    const generations = new Set([...byKey.keys()].map((k) => k.split("@")[1]));
    expect(generations.size).toBeGreaterThanOrEqual(3);
  });

  it("a zombie's late work is still attributed to its old generation, where it was the only owner", () => {
    const world = run("scenarios/zombie-consumer.yaml", "1");
    for (const members of owners(world).values()) expect(members.size).toBe(1);
    expect(world.groups.redelivered).toBeGreaterThan(0);
    expect(world.groups.commitFailed).toBeGreaterThan(0);
  });
});
