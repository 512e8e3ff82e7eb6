import { describe, expect, it } from "vitest";
import { seconds } from "../../sim/index.ts";
import { runChaos } from "./chaos.ts";
import { addClient, awaitReady, makeWorld, runFor } from "./harness.ts";

/** What a run looked like from outside: its fingerprint, its elections and every write's outcome. */
function summary(seed: string): { fingerprint: string; leaders: string; writes: string; faults: string } {
  const run = runChaos(seed, { faultPhaseMicros: seconds(25) });
  const { world } = run;
  return {
    fingerprint: world.sim.fingerprint.toString(),
    leaders: JSON.stringify(world.established),
    writes: JSON.stringify(world.history.writes),
    faults: run.faults.join("\n"),
  };
}

describe("coordination: determinism", () => {
  it("the same seed replays an ensemble run with faults exactly: fingerprint, elections and every write", () => {
    const first = summary("det-1");
    const second = summary("det-1");
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.leaders).toBe(first.leaders);
    expect(second.writes).toBe(first.writes);
    expect(second.faults).toBe(first.faults);
    // The run was not trivial.
    expect(first.faults.split("\n").length).toBeGreaterThan(3);
    expect(JSON.parse(first.writes).length).toBeGreaterThan(50);
  });

  it("different seeds give different runs", () => {
    const a = summary("det-1");
    const b = summary("det-2");
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(b.writes).not.toBe(a.writes);
  });

  it("a leader crash scenario gives the same fingerprint on every replay, and another on another seed", () => {
    const play = (seed: string): string => {
      const world = makeWorld({ seed, disk: { crashLoss: "torn" } });
      const leader = awaitReady(world);
      const client = addClient(world, "c1");
      runFor(world.sim, seconds(2));
      for (let i = 0; i < 20; i++) client.create(`/n${i}`, "x", { ephemeral: i % 2 === 0 });
      runFor(world.sim, seconds(1));
      world.sim.node(leader).crash();
      runFor(world.sim, seconds(10));
      world.sim.node(leader).restart();
      runFor(world.sim, seconds(10));
      return world.sim.fingerprint.toString();
    };
    const one = play("det-crash-1");
    expect(play("det-crash-1")).toBe(one);
    expect(play("det-crash-2")).not.toBe(one);
  });
});
