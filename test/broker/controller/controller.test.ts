import { describe, expect, it } from "vitest";
import { Controller } from "../../../src/broker/controller/Controller.ts";
import { encode, ZK, type PartitionStateZnode } from "../../../src/broker/zk/paths.ts";
import type { LeaderAndIsrRequest, PartitionState, UpdateMetadataRequest } from "../../../src/protocol/requests.ts";
import { BrokerWorld, Replica } from "../harness.ts";
import { FakeStore } from "./fakeStore.ts";

interface Sent {
  readonly to: number;
  readonly request: LeaderAndIsrRequest | UpdateMetadataRequest;
}

/**
 * A controller (epoch 1) on broker 1's node over a fake store holding three registered
 * brokers and topic `orders`: partition 0 on [1, 2, 3], partition 1 on [2, 3, 1], each led
 * by its first replica with every replica in the ISR, in leader epoch 0.
 */
class ControllerRig {
  readonly world = new BrokerWorld("controller");
  readonly store = new FakeStore(this.world.ctx(1));
  readonly sent: Sent[] = [];
  readonly unclean: string[] = [];
  uncleanEnabled = false;
  readonly controller: Controller;

  constructor(states: Record<number, Partial<PartitionStateZnode>> = {}) {
    for (const root of [ZK.brokerIds, ZK.brokerTopics, ZK.isrChangeNotification]) this.store.put(root, "");
    for (const id of [1, 2, 3]) this.store.put(ZK.brokerId(id), encode({ id, node: `broker-${id}` }));
    this.store.put(ZK.topic("orders"), encode({ partitions: { "0": [1, 2, 3], "1": [2, 3, 1] } }));
    this.writeState(0, { leader: 1, isr: [1, 2, 3], ...states[0] });
    this.writeState(1, { leader: 2, isr: [1, 2, 3], ...states[1] });
    this.store.put(ZK.controllerEpoch, "1");
    this.controller = new Controller(
      {
        ctx: this.world.ctx(1),
        zk: this.store.zk,
        brokerId: 1,
        sendToBroker: (to, request) => this.sent.push({ to, request }),
        uncleanLeaderElectionEnabled: () => this.uncleanEnabled,
        onLeadershipChange: (state, unclean) => {
          if (unclean) this.unclean.push(`${state.topic}-${state.partition}`);
        },
      },
      1,
      this.store.get(ZK.controllerEpoch)!.version,
    );
    this.controller.start();
    this.settle();
  }

  /** Writes a partition state znode, as a leader's ISR change (or a test's setup) does. */
  writeState(partition: number, z: Partial<PartitionStateZnode>): void {
    this.store.put(ZK.partitionState("orders", partition), encode({ controller_epoch: 1, leader: 1, leader_epoch: 0, isr: [1, 2, 3], version: 1, ...z }));
  }

  state(partition: number): PartitionStateZnode & { zkVersion: number } {
    const path = ZK.partitionState("orders", partition);
    return { ...this.store.json<PartitionStateZnode>(path), zkVersion: this.store.get(path)!.version };
  }

  settle(): void {
    this.world.sim.run();
  }

  brokerDies(id: number): void {
    this.store.remove(ZK.brokerId(id));
    this.settle();
  }

  brokerReturns(id: number): void {
    this.store.put(ZK.brokerId(id), encode({ id, node: `broker-${id}` }));
    this.settle();
  }

  /** The last LeaderAndIsr state sent to `broker` for `partition`, and clears what was sent. */
  leaderAndIsrTo(broker: number, partition: number): PartitionState | undefined {
    return this.sent
      .filter((s) => s.to === broker && s.request.type === "kafka.leader-and-isr")
      .flatMap((s) => s.request.partitionStates)
      .filter((p) => p.partition === partition)
      .at(-1);
  }
}

describe("controller: failover", () => {
  it("loads the cluster from the store and tells every live broker: UpdateMetadata to all, LeaderAndIsr for what each hosts", () => {
    const rig = new ControllerRig();
    expect(rig.controller.isActive).toBe(true);
    for (const broker of [1, 2, 3]) {
      expect(rig.sent.some((s) => s.to === broker && s.request.type === "kafka.update-metadata")).toBe(true);
      expect(rig.leaderAndIsrTo(broker, 0)).toMatchObject({ leader: 1, leaderEpoch: 0, isr: [1, 2, 3], replicas: [1, 2, 3], zkVersion: 0 });
    }
    const request = rig.sent.find((s) => s.request.type === "kafka.leader-and-isr")!.request;
    expect(request.controllerEpoch).toBe(1);
  });
});

describe("controller: a broker dies", () => {
  it("the partitions it led get the first live ISR member in assignment order, with the next leader epoch; dead followers leave other ISRs", () => {
    const rig = new ControllerRig();
    rig.sent.length = 0;
    rig.brokerDies(1);
    expect(rig.state(0)).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2, 3], controller_epoch: 1 });
    expect(rig.state(1)).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2, 3] });
    for (const broker of [2, 3]) expect(rig.leaderAndIsrTo(broker, 0)).toMatchObject({ leader: 2, leaderEpoch: 1, isr: [2, 3] });
    expect(rig.sent.some((s) => s.to === 1)).toBe(false);
    expect(rig.unclean).toEqual([]);
  });

  it("with no live ISR member and unclean election disabled, the partition goes offline: NoLeader, the last ISR member kept", () => {
    const rig = new ControllerRig({ 0: { leader: 1, isr: [1] } });
    rig.brokerDies(1);
    expect(rig.state(0)).toMatchObject({ leader: -1, leader_epoch: 1, isr: [1] });
  });

  it("...and when that last ISR member returns, it leads again", () => {
    const rig = new ControllerRig({ 0: { leader: 1, isr: [1] } });
    rig.brokerDies(1);
    rig.brokerReturns(1);
    expect(rig.state(0)).toMatchObject({ leader: 1, leader_epoch: 2, isr: [1] });
    expect(rig.leaderAndIsrTo(1, 0)).toMatchObject({ leader: 1, leaderEpoch: 2 });
  });

  it("with unclean election enabled, a live replica outside the ISR leads, alone in the ISR", () => {
    const rig = new ControllerRig({ 0: { leader: 1, isr: [1] } });
    rig.uncleanEnabled = true;
    rig.brokerDies(1);
    expect(rig.state(0)).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2] });
    expect(rig.unclean).toEqual(["orders-0"]);
  });
});

describe("controller: races with leaders' ISR changes (conditional writes)", () => {
  it("a leader's ISR change that lands first makes the controller's removal fail on its version: it re-reads and removes the dead follower from the ISR as it now is", () => {
    const rig = new ControllerRig();
    // Leader 1 shrinks orders-0's ISR to [1, 3]; the controller has not heard of it when broker 3 dies.
    rig.writeState(0, { leader: 1, isr: [1, 3] });
    rig.brokerDies(3);
    expect(rig.controller.isActive).toBe(true);
    expect(rig.state(0)).toMatchObject({ leader: 1, leader_epoch: 1, isr: [1] });
  });

  it("...and an election re-reads too, so it never puts back a replica the leader had removed", () => {
    const rig = new ControllerRig();
    rig.writeState(0, { leader: 1, isr: [1, 2] }); // 3 fell behind
    rig.brokerDies(1);
    expect(rig.controller.isActive).toBe(true);
    expect(rig.state(0)).toMatchObject({ leader: 2, leader_epoch: 1, isr: [2] });
  });

  it("an ISR change notification makes the controller re-read the state and tell the brokers (UpdateMetadata)", () => {
    const rig = new ControllerRig();
    rig.sent.length = 0;
    rig.writeState(0, { leader: 1, isr: [1, 2] });
    rig.store.put(`${ZK.isrChangePrefix}0000000000`, encode([{ topic: "orders", partition: 0 }]));
    rig.settle();
    const update = rig.sent.find((s) => s.request.type === "kafka.update-metadata")!.request;
    expect(update.partitionStates.find((p) => p.partition === 0)).toMatchObject({ isr: [1, 2], zkVersion: 1 });
    expect(rig.store.has(`${ZK.isrChangePrefix}0000000000`)).toBe(false);
  });
});

describe("controller: fencing by the controller epoch", () => {
  it("once another controller has bumped the epoch, this one's writes fail, it resigns, and the state is left alone", () => {
    const rig = new ControllerRig();
    rig.store.put(ZK.controllerEpoch, "2");
    rig.brokerDies(1);
    expect(rig.controller.isActive).toBe(false);
    expect(rig.state(0)).toMatchObject({ leader: 1, leader_epoch: 0 });
  });

  it("a broker refuses LeaderAndIsr from an older controller than one it has heard (STALE_CONTROLLER_EPOCH)", () => {
    const broker = new Replica(new BrokerWorld(), 2);
    expect(broker.leaderAndIsr({ leader: 1, leaderEpoch: 3 }, 5)).toBe("NONE");
    expect(broker.leaderAndIsr({ leader: 2, leaderEpoch: 4 }, 4)).toBe("STALE_CONTROLLER_EPOCH");
    expect(broker.partition().leader).toBe(1);
  });

  it("a broker ignores a leadership no newer than the one it holds (leader epoch not above its own)", () => {
    const broker = new Replica(new BrokerWorld(), 2);
    broker.leaderAndIsr({ leader: 1, leaderEpoch: 3 });
    broker.leaderAndIsr({ leader: 2, leaderEpoch: 3 });
    expect(broker.partition().leader).toBe(1);
    broker.leaderAndIsr({ leader: 2, leaderEpoch: 4 });
    expect(broker.partition().isLeader).toBe(true);
  });
});

describe("controller: topic creation", () => {
  it("a new topic's partitions get their first leadership: the first live assigned replica, epoch 0, the live replicas as ISR", () => {
    const rig = new ControllerRig();
    rig.brokerDies(3);
    rig.sent.length = 0;
    rig.store.put(ZK.topic("payments"), encode({ partitions: { "0": [3, 1, 2], "1": [1, 2, 3] } }));
    rig.settle();
    const state = (p: number) => rig.store.json<PartitionStateZnode>(ZK.partitionState("payments", p));
    expect(state(0)).toMatchObject({ leader: 1, leader_epoch: 0, isr: [1, 2] });
    expect(state(1)).toMatchObject({ leader: 1, leader_epoch: 0, isr: [1, 2] });
    const told = rig.sent.filter((s) => s.request.type === "kafka.leader-and-isr").flatMap((s) => s.request.partitionStates.map((p) => `${s.to}:${p.topic}-${p.partition}`));
    expect(told.sort()).toEqual(["1:payments-0", "1:payments-1", "2:payments-0", "2:payments-1"]);
  });
});
