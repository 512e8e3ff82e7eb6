import { describe, expect, it } from "vitest";
import { Controller } from "../../../src/broker/controller/Controller.ts";
import { encode, NO_LEADER, ZK, type PartitionStateZnode } from "../../../src/broker/zk/paths.ts";
import { BrokerWorld } from "../harness.ts";
import { FakeStore } from "./fakeStore.ts";

/**
 * A controller on broker 4 (no replica of orders/0) over a fake store: orders/0 on brokers
 * [2, 3, 1], led by 2 with everyone in sync, min.insync.replicas=2. Each broker registered
 * as its first process (incarnation 1). `elr` turns on KIP-966's rules (the 4.x profile).
 */
function rig(elr: boolean, before: (store: FakeStore, register: (id: number, incarnation?: number) => void) => void = (_, register) => [1, 2, 3, 4].forEach((id) => register(id))) {
  const world = new BrokerWorld(`elr-${elr}`, 4);
  const store = new FakeStore(world.ctx(4));
  for (const root of [ZK.brokerIds, ZK.brokerTopics, ZK.isrChangeNotification]) store.put(root, "");
  const register = (id: number, incarnation = 1) =>
    store.put(ZK.brokerId(id), encode(elr ? { id, node: `broker-${id}`, incarnation } : { id, node: `broker-${id}` }));
  before(store, register);
  store.put(ZK.topic("orders"), encode({ partitions: { "0": [2, 3, 1] } }));
  const state = { controller_epoch: 1, leader: 2, leader_epoch: 0, isr: [2, 3, 1], version: 1 };
  store.put(ZK.partitionState("orders", 0), encode(elr ? { ...state, elr: [], last_known_elr: [] } : state));
  store.put(ZK.controllerEpoch, "1");
  const controller = new Controller(
    {
      ctx: world.ctx(4),
      zk: store.zk,
      brokerId: 4,
      sendToBroker: () => {},
      uncleanLeaderElectionEnabled: () => false,
      brokerEpochs: true,
      eligibleLeaderReplicas: elr,
      minInsyncReplicas: () => 2,
    },
    1,
    store.get(ZK.controllerEpoch)!.version,
  );
  controller.start();
  const settle = () => world.sim.run({ untilMicros: world.sim.now + 1_000_000 });
  settle();
  const die = (id: number) => {
    store.remove(ZK.brokerId(id));
    settle();
  };
  const restart = (id: number, incarnation: number) => {
    register(id, incarnation);
    settle();
  };
  return { store, die, restart, settle, state: () => store.json<PartitionStateZnode>(ZK.partitionState("orders", 0)) };
}

describe("controller with eligible leader replicas (KIP-966, 4.x profile)", () => {
  it("the follower that leaves an ISR below min.insync.replicas is eligible and leads when the last ISR member dies", () => {
    const { die, state } = rig(true);
    die(1);
    expect(state()).toMatchObject({ leader: 2, isr: [2, 3], elr: [] });
    die(3);
    expect(state()).toMatchObject({ leader: 2, isr: [2], elr: [3] });
    die(2);
    // 3 is dead too: nobody may lead, and 2 is remembered as the last leader.
    expect(state()).toMatchObject({ leader: NO_LEADER, isr: [], elr: [2, 3], last_known_elr: [2] });
  });

  it("the last ISR member restarting after an unclean shutdown leaves the ELR, and the eligible follower leads when it is back", () => {
    const { die, restart, state } = rig(true);
    die(1);
    die(3);
    die(2);
    restart(2, 2); // a new process: its page cache, and what it acknowledged from it, is gone
    expect(state()).toMatchObject({ leader: NO_LEADER, isr: [], elr: [3] });
    restart(3, 1); // the same process back from a long pause: clean
    expect(state()).toMatchObject({ leader: 3, isr: [3], elr: [], last_known_elr: [] });
  });

  it("a new controller acts on an unclean restart once: the registration it acted on is stored", () => {
    const { die, restart, store, state } = rig(true);
    die(2);
    restart(2, 2);
    expect(store.json<{ incarnation: number }>(ZK.brokerIncarnation(2)).incarnation).toBe(2);
    expect(state().isr).not.toContain(2);
  });

  it("a new controller never elects the leader it finds back from an unclean shutdown, even with its followers gone", () => {
    // Broker 2 led with ISR [2, 3, 1]; all lost power; 2 is back first, as a new process, and
    // the controller that saw it go is gone too (the power loss in ZooKeeper mode).
    const { state } = rig(true, (store, register) => {
      store.put(ZK.brokerIncarnation(2), encode({ incarnation: 1 }));
      register(2, 2);
      register(4);
    });
    expect(state()).toMatchObject({ leader: NO_LEADER, isr: [], elr: [3, 1], last_known_elr: [2] });
  });

  it("without KIP-966 (3.x) the ISR keeps its last member and the restarted one leads again, whatever it lost", () => {
    const { die, restart, state } = rig(false);
    die(1);
    die(3);
    die(2);
    expect(state()).toMatchObject({ leader: NO_LEADER, isr: [2] });
    expect(state().elr).toBeUndefined();
    restart(2, 2);
    expect(state()).toMatchObject({ leader: 2, isr: [2] });
  });
});
