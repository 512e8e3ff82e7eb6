import { describe, expect, it } from "vitest";
import { Controller } from "../../../src/broker/controller/Controller.ts";
import { encode, ZK, type PartitionStateZnode } from "../../../src/broker/zk/paths.ts";
import { BrokerWorld } from "../harness.ts";
import { FakeStore } from "./fakeStore.ts";

/** A controller over a fake store with brokers 1-3 and orders/0 led by broker 2 (ISR [2, 3, 1], epoch 0). */
function rig(brokerEpochs: boolean) {
  const world = new BrokerWorld(`epochs-${brokerEpochs}`);
  const store = new FakeStore(world.ctx(1));
  for (const root of [ZK.brokerIds, ZK.brokerTopics, ZK.isrChangeNotification]) store.put(root, "");
  for (const id of [1, 2, 3]) store.put(ZK.brokerId(id), encode({ id, node: `broker-${id}` }));
  store.put(ZK.topic("orders"), encode({ partitions: { "0": [2, 3, 1] } }));
  store.put(ZK.partitionState("orders", 0), encode({ controller_epoch: 1, leader: 2, leader_epoch: 0, isr: [2, 3, 1], version: 1 }));
  store.put(ZK.controllerEpoch, "1");
  const controller = new Controller(
    { ctx: world.ctx(1), zk: store.zk, brokerId: 1, sendToBroker: () => {}, uncleanLeaderElectionEnabled: () => false, brokerEpochs },
    1,
    store.get(ZK.controllerEpoch)!.version,
  );
  controller.start();
  const settle = () => world.sim.run({ untilMicros: world.sim.now + 1_000_000 });
  settle();
  return { store, settle, state: () => store.json<PartitionStateZnode>(ZK.partitionState("orders", 0)) };
}

describe("controller: broker epochs (KIP-380)", () => {
  it("a broker that restarts and registers again between two reads is handled as a failure and a startup", () => {
    const { store, settle, state } = rig(true);
    // Broker 2 bounces: its registration goes and comes back before the controller looks.
    store.remove(ZK.brokerId(2));
    store.put(ZK.brokerId(2), encode({ id: 2, node: "broker-2" }));
    settle();
    expect(state().leader).toBe(3);
    expect(state().leader_epoch).toBeGreaterThan(0);
    expect(state().isr).not.toContain(2);
  });

  it("without broker epochs (before Kafka 2.2) the same bounce goes unseen and the restarted broker keeps leading", () => {
    const { store, settle, state } = rig(false);
    store.remove(ZK.brokerId(2));
    store.put(ZK.brokerId(2), encode({ id: 2, node: "broker-2" }));
    settle();
    expect(state().leader).toBe(2);
    expect(state().leader_epoch).toBe(0);
  });
});
