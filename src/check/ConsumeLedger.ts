import type { ConsumedRecord } from "../client/consumer/SimpleConsumer.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";
import { ValueIdTable } from "./ValueIdTable.ts";

/**
 * What consumers were given: how many records, how many distinct values, and the
 * end-to-end latency of each (from the producer's send to its delivery to a consumer).
 */
export class ConsumeLedger {
  consumed = 0;
  /** The values delivered (a typed array per producer, not a Set entry per value). */
  private readonly values = new ValueIdTable();
  readonly endToEnd = new LatencyHistogram();

  record(nowMicros: number, records: readonly ConsumedRecord[]): void {
    for (const r of records) {
      this.consumed++;
      this.values.set(r.record.valueId, 0);
      this.endToEnd.record(nowMicros - r.record.createdAtMicros);
    }
  }

  get distinctValues(): number {
    return this.values.size;
  }

  /** Records delivered more than once (a reset to an earlier offset, a second consumer of a partition). */
  get redelivered(): number {
    return this.consumed - this.values.size;
  }
}
