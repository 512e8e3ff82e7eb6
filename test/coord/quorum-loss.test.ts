import { describe, expect, it } from "vitest";
import { seconds } from "../../sim/index.ts";
import {
  addClient,
  answeredWritesCommitted,
  awaitConnected,
  awaitLeader,
  awaitSettled,
  awaitWrite,
  finalStateProblems,
  linearizabilityViolations,
  makeWorld,
  runFor,
  runUntil,
  type TestClient,
  type World,
  type WriteRecord,
} from "./harness.ts";

/** Writes `count` creates in a row through `client`, each after the previous completes. */
function writeSeries(client: TestClient, prefix: string, count: number): WriteRecord[] {
  const out: WriteRecord[] = [];
  for (let i = 0; i < count; i++) out.push(client.create(`${prefix}${i}`, `${prefix}${i}`));
  return out;
}

function maxLogged(world: World): number {
  let max = 0;
  for (const n of world.ens.names) max = Math.max(max, world.ens.member(n)?.store.lastZxid ?? 0);
  return max;
}

type Outage = "crash two followers" | "crash the leader and a follower" | "isolate every member";

describe("coordination: quorum loss", () => {
  it.each<[Outage, string]>([
    ["crash two followers", "1"],
    ["crash the leader and a follower", "2"],
    ["isolate every member", "3"],
    ["isolate every member", "4"],
  ])("with a minority left (%s), writes stall and fail, nothing commits, and after recovery writes go on with nothing lost (seed %s)", (outage, seed) => {
    const world = makeWorld({ seed: `quorum-loss/${seed}` });
    const { sim, ens } = world;
    const network = sim.network;
    const leader = awaitLeader(world);
    const followers = ens.names.filter((n) => n !== leader);
    // The client stays with the member that survives, so it sees the stall rather than a refusal.
    const survivor = outage === "crash two followers" ? leader : followers[0]!;
    const client = addClient(world, "c1", { members: [survivor], sessionTimeoutMicros: seconds(30), requestTimeoutMicros: seconds(3) });
    expect(awaitConnected(sim, client)).toBe(true);
    const before = writeSeries(client, "/before-", 10);
    expect(runUntil(sim, () => before.every((w) => w.completeSeq !== undefined), seconds(5))).toBe(true);
    expect(before.every((w) => w.results?.[0]?.ok)).toBe(true);

    const down = ens.names.filter((n) => n !== survivor);
    const loggedAtOutage = maxLogged(world);
    const outageStart = sim.now;
    if (outage === "isolate every member") network.partition([[survivor, "c1"], [down[0]!], [down[1]!]]);
    else for (const n of down) sim.node(n).crash();

    const during = writeSeries(client, "/during-", 5);
    runFor(sim, seconds(25));
    // Every write made without a quorum failed, none with a member's answer.
    expect(during.every((w) => w.completeSeq !== undefined)).toBe(true);
    for (const w of during) {
      expect(w.zxid).toBeUndefined();
      expect(["OPERATIONTIMEOUT", "CONNECTIONLOSS"]).toContain(w.error);
    }
    // And nothing was committed that was not already logged when the quorum went.
    const committedDuring = world.commits.reports.filter(([, zxid, at]) => at > outageStart && zxid > loggedAtOutage);
    expect(committedDuring).toEqual([]);
    expect(ens.leader()).toBeNull();
    expect(ens.serving()).toEqual([]);
    // A late write is still refused while the members stay apart.
    const late = client.create("/late", "x");
    expect(awaitWrite(sim, late, seconds(5))).toBe(true);
    expect(late.zxid).toBeUndefined();

    if (outage === "isolate every member") network.heal();
    else for (const n of down) sim.node(n).restart();
    const newLeader = awaitLeader(world);
    expect(world.checker.leadersByEpoch().length).toBeGreaterThanOrEqual(2);
    expect(ens.member(newLeader)!.store.currentEpoch).toBeGreaterThan(world.checker.leadersByEpoch()[0]![0]);

    expect(awaitConnected(sim, client)).toBe(true);
    const after = writeSeries(client, "/after-", 5);
    expect(runUntil(sim, () => after.every((w) => w.completeSeq !== undefined), seconds(10))).toBe(true);
    expect(after.every((w) => w.results?.[0]?.ok)).toBe(true);

    expect(awaitSettled(world)).toBe(true);
    for (const name of ens.names) {
      const tree = ens.member(name)!.tree;
      for (const w of world.history.acked()) expect(tree.nodes.get(w.ops[0]!.path), `${name} lost ${w.ops[0]!.path}`).toBeDefined();
    }
    expect(world.checker.checkPrefixes()).toEqual([]);
    expect(world.checker.violations).toEqual([]);
    expect(answeredWritesCommitted(world)).toEqual([]);
    expect(linearizabilityViolations(world.history)).toEqual([]);
    expect(finalStateProblems(world)).toEqual([]);
  });
});
