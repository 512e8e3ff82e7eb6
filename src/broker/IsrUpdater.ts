import type { NodeContext } from "../../sim/index.ts";
import type { Partition } from "./Partition.ts";
import { encode, ZK } from "./zk/paths.ts";
import type { ZkCalls } from "./zk/ZkCalls.ts";

/**
 * The leader's ISR changes in ZooKeeper mode (Partition.updateIsr before KIP-497): a
 * conditional write of the partition state znode on the version the leader holds, then an
 * isr_change_notification for the controller. The leader acts on the new ISR only once
 * the store accepted it; on a version conflict it keeps the old ISR and waits for the
 * controller's word ("cached zkVersion not equal to that in zookeeper, skip updating ISR").
 * While the write cannot reach the store, it stays pending and no other change is made.
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
    p.isrUpdateInFlight = true;
    const epoch = p.leaderEpoch;
    const data = encode({ controller_epoch: p.controllerEpoch, leader: this.brokerId, leader_epoch: epoch, isr, version: 1 });
    this.zk.setData(ZK.partitionState(p.topic, p.partition), data, p.zkVersion, (result) => {
      if (p.leaderEpoch !== epoch || !p.isLeader) return; // leadership moved on meanwhile
      p.isrUpdateInFlight = false;
      if (!result.ok) {
        this.ctx.record("broker.isr-update-failed", { partition: `${p.topic}-${p.partition}`, error: result.error });
        return;
      }
      p.isrChanged(isr, result.version);
      const notice = encode([{ topic: p.topic, partition: p.partition }]);
      this.zk.create(ZK.isrChangePrefix, notice, { sequential: true }, () => {});
      this.changed(p);
    });
  }
}
