import type { NodeContext } from "../../sim/index.ts";
import { buildPartitionChange } from "./controller/partitionChange.ts";
import type { Partition } from "./Partition.ts";
import { encode, stateZnode, ZK } from "./zk/paths.ts";
import type { ZkCalls } from "./zk/ZkCalls.ts";

/**
 * The leader's ISR changes in ZooKeeper mode (Partition.updateIsr before KIP-497): a
 * conditional write of the partition state znode on the version the leader holds, then an
 * isr_change_notification for the controller. The leader acts on the new ISR only once
 * the store accepted it; on a version conflict it keeps the old ISR and waits for the
 * controller's word ("cached zkVersion not equal to that in zookeeper, skip updating ISR").
 * While the write cannot reach the store, it stays pending and no other change is made.
 * Under KIP-966 (a state that carries an ELR) the write also carries the ELR the change
 * implies, by the rules the controller applies (partitionChange.ts): in ZooKeeper mode the
 * leader writes its ISR changes itself, where a KRaft leader asks the controller.
 */
export class IsrUpdater {
  constructor(
    private readonly ctx: NodeContext,
    private readonly zk: ZkCalls,
    private readonly brokerId: number,
    private readonly changed: (p: Partition) => void,
  ) {}

  shrink(p: Partition, lagging: readonly number[]): void {
    if (p.isrUpdateInFlight) return;
    const isr = p.isr.filter((r) => !lagging.includes(r));
    this.ctx.record("broker.isr-shrink", { partition: `${p.topic}-${p.partition}`, from: [...p.isr], to: isr, lagging: [...lagging] });
    this.update(p, isr);
  }

  expand(p: Partition, replica: number): void {
    if (p.isrUpdateInFlight) return;
    const isr = [...p.isr, replica].sort((a, b) => a - b);
    this.ctx.record("broker.isr-expand", { partition: `${p.topic}-${p.partition}`, from: [...p.isr], to: isr });
    this.update(p, isr);
  }

  private update(p: Partition, isr: number[]): void {
    p.beginIsrUpdate(isr);
    const epoch = p.leaderEpoch;
    const elr = this.elrAfter(p, isr);
    const data =
      elr === undefined
        ? encode({ controller_epoch: p.controllerEpoch, leader: this.brokerId, leader_epoch: epoch, isr, version: 1 })
        : encode(stateZnode({ controllerEpoch: p.controllerEpoch, leader: this.brokerId, leaderEpoch: epoch, isr, ...elr }));
    const path = ZK.partitionState(p.topic, p.partition);
    const landed = (version: number): void => {
      p.endIsrUpdate();
      p.isrChanged(isr, version, elr);
      const notice = encode([{ topic: p.topic, partition: p.partition }]);
      this.zk.create(ZK.isrChangePrefix, notice, { sequential: true }, () => {});
      this.changed(p);
    };
    this.zk.setData(path, data, p.zkVersion, (result) => {
      if (p.leaderEpoch !== epoch || !p.isLeader) return; // leadership moved on meanwhile
      if (result.ok) return landed(result.version);
      if (result.error !== "BADVERSION") return this.failed(p, result.error);
      // A write retried after a lost connection meets the version its first attempt made:
      // the store holding exactly what we wrote means it landed (Kafka's optionalChecker,
      // checkLeaderAndIsrZkData). Taking it for a conflict left the leader computing its high
      // watermark over an ISR smaller than the store's, whose extra member could be elected.
      this.zk.getData(path, null, (node) => {
        if (p.leaderEpoch !== epoch || !p.isLeader) return;
        if (node !== null && node.data === data) landed(node.version);
        else this.failed(p, result.error);
      });
    });
  }

  private failed(p: Partition, error: string): void {
    p.endIsrUpdate();
    this.ctx.record("broker.isr-update-failed", { partition: `${p.topic}-${p.partition}`, error });
  }

  /** KIP-966: the ELR and last known leader that go with the leader's new ISR; undefined without KIP-966. */
  private elrAfter(p: Partition, isr: readonly number[]): { elr: readonly number[]; lastKnownElr: readonly number[] } | undefined {
    if (p.elr === undefined) return undefined;
    const next = buildPartitionChange(
      { replicas: p.replicas, leader: this.brokerId, isr: p.isr, elr: p.elr, lastKnownElr: p.lastKnownElr ?? [] },
      {
        targetIsr: isr,
        minInsyncReplicas: p.options.minInsyncReplicas,
        acceptableLeader: (b) => b === this.brokerId,
        uncleanShutdown: [],
        uncleanLeaderElectionEnabled: false,
      },
    );
    return { elr: next.elr, lastKnownElr: next.lastKnownElr };
  }
}
