import { CORRUPT_RECORD, type NodeContext } from "../../sim/index.ts";

interface CheckpointEntry {
  readonly topic: string;
  readonly partition: number;
  readonly hw: number;
  readonly sizeBytes: number;
}

const FILE = "replication-offset-checkpoint";

/**
 * Kafka's replication-offset-checkpoint: every replica's high watermark, written whole and
 * fsynced every replica.high.watermark.checkpoint.interval.ms. After a restart a replica
 * starts from the checkpointed value, which lags the real one: before KIP-101 a follower
 * truncated to it, which is how acknowledged records could be lost.
 */
export class HighWatermarkCheckpoint {
  private readonly recovered = new Map<string, number>();

  constructor(private readonly ctx: NodeContext) {
    const file = ctx.disk.file<CheckpointEntry>(FILE);
    for (const e of file.readAll()) {
      if (e === CORRUPT_RECORD) break;
      this.recovered.set(`${e.topic}-${e.partition}`, e.hw);
    }
  }

  highWatermarkOf(topic: string, partition: number): number | undefined {
    return this.recovered.get(`${topic}-${partition}`);
  }

  write(entries: { topic: string; partition: number; hw: number }[]): void {
    // Partitions not opened since the restart keep their recovered value.
    const all = new Map(this.recovered);
    for (const e of entries) all.set(`${e.topic}-${e.partition}`, e.hw);
    const records = [...all.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, hw]) => {
      const cut = k.lastIndexOf("-");
      return { topic: k.slice(0, cut), partition: Number(k.slice(cut + 1)), hw, sizeBytes: 24 };
    });
    const file = this.ctx.disk.file<CheckpointEntry>(FILE);
    if (this.ctx.disk.replace(file, records) === null) this.ctx.disk.fsync(file);
  }
}
