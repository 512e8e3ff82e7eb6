import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import {
  addClient,
  answeredWritesCommitted,
  awaitConnected,
  awaitReady,
  awaitSettled,
  awaitWrite,
  finalStateProblems,
  makeWorld,
  runFor,
  runUntil,
} from "./harness.ts";

describe("coordination: a member that can hear but not speak", () => {
  it.each([
    ["1", 3],
    ["2", 8],
    ["3", 15],
  ])(
    "a follower whose FOLLOWERINFO retries pile up behind a one-way cut syncs and serves once the cut heals (seed %s, cut for %is)",
    (seed, cutSeconds) => {
      const world = makeWorld({ seed: `one-way/${seed}`, size: 5, disk: { fsyncMicros: millis(5) } });
      const { sim, ens } = world;
      const leader = awaitReady(world);
      const mute = ens.names.find((n) => n !== leader)!;
      const others = ens.names.filter((n) => n !== mute);
      const client = addClient(world, "c1", { members: others.filter((n) => n !== leader) });
      expect(awaitConnected(sim, client)).toBe(true);

      // `mute` hears everyone but reaches no one; then the leader dies and the rest elect anew.
      sim.network.partitionOneWay([mute], others);
      sim.node(leader).crash();
      expect(runUntil(sim, () => ens.leader() !== null && ens.leader() !== leader, seconds(20))).toBe(true);
      // It heard the election and follows the new leader, repeating FOLLOWERINFO into the cut.
      expect(runUntil(sim, () => ens.member(mute)!.state === "following", seconds(5))).toBe(true);
      runFor(sim, seconds(cutSeconds));
      expect(ens.member(mute)!.serving).toBe(false);
      const during = client.create("/during", "x");
      expect(awaitWrite(sim, during)).toBe(true);
      expect(during.results?.[0]?.ok).toBe(true);

      sim.network.heal();
      expect(runUntil(sim, () => ens.member(mute)!.serving, seconds(30))).toBe(true);
      expect(ens.member(mute)!.tree.nodes.get("/during")).toBeDefined();
      sim.node(leader).restart();
      expect(awaitSettled(world)).toBe(true);
      expect(world.checker.violations).toEqual([]);
      expect(world.checker.checkPrefixes()).toEqual([]);
      expect(answeredWritesCommitted(world)).toEqual([]);
      expect(finalStateProblems(world)).toEqual([]);
    },
  );

  it("a leader that cannot reach its followers loses them and the rest elect a new one", () => {
    const world = makeWorld({ seed: "one-way/leader" });
    const { sim, ens } = world;
    const leader = awaitReady(world);
    const followers = ens.names.filter((n) => n !== leader);
    const client = addClient(world, "c1", { members: followers });
    expect(awaitConnected(sim, client)).toBe(true);
    const before = client.create("/before", "x");
    expect(awaitWrite(sim, before)).toBe(true);
    sim.network.partitionOneWay([leader], followers);
    expect(runUntil(sim, () => ens.leader() !== null && ens.leader() !== leader, seconds(40))).toBe(true);
    const epochs = world.checker.leadersByEpoch();
    expect(epochs.length).toBe(2);
    expect(epochs[1]![1]).not.toBe(leader);
    expect(awaitConnected(sim, client)).toBe(true);
    const after = client.create("/after", "x");
    expect(awaitWrite(sim, after)).toBe(true);
    expect(after.results?.[0]?.ok).toBe(true);
    sim.network.heal();
    expect(awaitSettled(world)).toBe(true);
    expect(ens.member(leader)!.tree.nodes.get("/after")).toBeDefined();
    expect(world.checker.violations).toEqual([]);
    expect(finalStateProblems(world)).toEqual([]);
  });
});
