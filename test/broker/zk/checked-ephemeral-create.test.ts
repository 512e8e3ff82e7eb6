import { describe, expect, it } from "vitest";
import { Simulation, type NodeContext } from "../../../sim/index.ts";
import { runScenario } from "../../../src/cli/runScenario.ts";
import { ZkCalls } from "../../../src/broker/zk/ZkCalls.ts";
import type { CoordClient } from "../../../src/coord/client/CoordClient.ts";
import type { ReadResult } from "../../../src/coord/messages.ts";
import type { OpResult, Znode } from "../../../src/coord/ZnodeTree.ts";
import { loadScenarioFile } from "../../../src/scenario/index.ts";

const SESSION = 0x1_0000_0001;

/**
 * A store as one client sees it: the first create of a path is written but its answer is
 * lost with the connection (CONNECTIONLOSS), as when the server it talks to is cut off
 * right after forwarding the write.
 */
class LossyStore {
  readonly nodes = new Map<string, Znode>();
  private answered = new Set<string>();

  constructor(readonly sessionId: number) {}

  create(path: string, data: string, mode: { ephemeral?: boolean }, done: (r: OpResult) => void): void {
    if (this.nodes.has(path)) return done({ ok: false, error: "NODEEXISTS" });
    this.nodes.set(path, { data, version: 0, cversion: 0, ephemeralOwner: mode.ephemeral ? this.sessionId : 0, czxid: 1, mzxid: 1, pzxid: 1, children: [] });
    if (this.answered.has(path)) return done({ ok: true, path, version: 0 });
    this.answered.add(path);
    done({ ok: false, error: "CONNECTIONLOSS" });
  }

  getData(path: string, _watcher: unknown, done: (r: ReadResult) => void): void {
    const node = this.nodes.get(path);
    done(node ? ({ ok: true, node } as ReadResult) : ({ ok: false, error: "NONODE" } as ReadResult));
  }
}

function zkCalls(store: LossyStore): { calls: ZkCalls; sim: Simulation } {
  const sim = new Simulation({ seed: "checked-create" });
  sim.addNode("broker-1", () => ({ start() {}, receive() {} }));
  sim.run();
  const ctx: NodeContext = sim.node("broker-1").context;
  return { calls: new ZkCalls(ctx, () => store as unknown as CoordClient, () => true), sim };
}

describe("an ephemeral create whose answer was lost with the connection", () => {
  it("counts as created when the retry finds the node held by our own session (Kafka's checkedEphemeralCreate)", () => {
    const store = new LossyStore(SESSION);
    const { calls, sim } = zkCalls(store);
    const results: OpResult[] = [];
    calls.createEphemeral("/controller", '{"brokerid":1}', (r) => results.push(r));
    sim.run();
    expect(results).toEqual([{ ok: true, path: "/controller", version: 0 }]);
  });

  it("still fails when the node that exists belongs to another session", () => {
    const store = new LossyStore(SESSION);
    store.nodes.set("/controller", { data: '{"brokerid":2}', version: 0, cversion: 0, ephemeralOwner: SESSION + 1, czxid: 1, mzxid: 1, pzxid: 1, children: [] });
    const { calls, sim } = zkCalls(store);
    const results: OpResult[] = [];
    calls.createEphemeral("/controller", '{"brokerid":1}', (r) => results.push(r));
    sim.run();
    expect(results).toEqual([{ ok: false, error: "NODEEXISTS" }]);
  });
});

describe("a cluster whose controller election is cut off mid-create", () => {
  it("seed 462 of the fuzz scenario elects a controller and loses nothing (its /controller create committed while the ensemble member that took it was isolated)", { timeout: 60_000 }, () => {
    const loaded = loadScenarioFile("scenarios/fuzz.yaml");
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
    const summary = runScenario(loaded.scenario, "462");
    expect(summary.violations.map((v) => `${v.invariant} ${v.count}`)).toEqual([]);
  });
});
