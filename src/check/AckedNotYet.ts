import type { ProduceLedger } from "./ProduceLedger.ts";

/**
 * How many acknowledged values a condition does not hold for yet, for a condition that
 * once true stays true (processed by a consumer group, say): each count looks only at the
 * values acknowledged since the last one and at those the condition was still false for,
 * not at every acknowledged value again.
 */
export class AckedNotYet {
  private rowsSeen = 0;
  /** Ledger rows the condition was false for at the last count. */
  private pending = new Int32Array(1024);
  private pendingCount = 0;

  constructor(
    private readonly ledger: ProduceLedger,
    private readonly holds: (valueId: number) => boolean,
  ) {}

  count(): number {
    let kept = 0;
    for (let i = 0; i < this.pendingCount; i++) {
      const row = this.pending[i]!;
      if (!this.holds(this.ledger.ackedValueAt(row))) this.pending[kept++] = row;
    }
    this.pendingCount = kept;
    const rows = this.ledger.ackedValues;
    for (let row = this.rowsSeen; row < rows; row++) {
      if (this.holds(this.ledger.ackedValueAt(row))) continue;
      if (this.pendingCount === this.pending.length) {
        const grown = new Int32Array(this.pending.length * 2);
        grown.set(this.pending);
        this.pending = grown;
      }
      this.pending[this.pendingCount++] = row;
    }
    this.rowsSeen = rows;
    return this.pendingCount;
  }
}
