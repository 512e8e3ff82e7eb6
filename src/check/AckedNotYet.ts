import type { ProduceLedger } from "./ProduceLedger.ts";

/**
 * How many acknowledged values a condition does not hold for yet, for a condition that
 * once true stays true (processed by a consumer group, say): each count looks only at the
 * values acknowledged since the last one and at those the condition was still false for,
 * not at every acknowledged value again.
 *
 * What it keeps: every ledger row below `rowsSeen` that is not pending holds; pending rows
 * (`pending[pendingStart .. pendingCount-1]`, in row order) may or may not hold yet.
 */
export class AckedNotYet {
  private rowsSeen = 0;
  /** Ledger rows the condition was false for when last looked at. */
  private pending = new Int32Array(1024);
  private pendingStart = 0;
  private pendingCount = 0;

  constructor(
    private readonly ledger: ProduceLedger,
    private readonly holds: (valueId: number) => boolean,
  ) {}

  count(): number {
    let kept = 0;
    for (let i = this.pendingStart; i < this.pendingCount; i++) {
      const row = this.pending[i]!;
      if (!this.holds(this.ledger.ackedValueAt(row))) this.pending[kept++] = row;
    }
    this.pendingStart = 0;
    this.pendingCount = kept;
    const rows = this.ledger.ackedValues;
    for (let row = this.rowsSeen; row < rows; row++) if (!this.holds(this.ledger.ackedValueAt(row))) this.addPending(row);
    this.rowsSeen = rows;
    return this.pendingCount;
  }

  /**
   * Whether `count()` would be above 0, looking no further than the first value the
   * condition is false for: the liveness phase asks at each check whether the cluster has
   * recovered, and the count matters only for the last check's report. Values are mostly
   * processed in the order they were acknowledged, so the pending rows that hold now lie
   * at the front and are dropped; the first that does not ends the look.
   */
  any(): boolean {
    while (this.pendingStart < this.pendingCount) {
      if (!this.holds(this.ledger.ackedValueAt(this.pending[this.pendingStart]!))) return true;
      this.pendingStart++;
    }
    this.pendingStart = this.pendingCount = 0;
    const rows = this.ledger.ackedValues;
    for (let row = this.rowsSeen; row < rows; row++) {
      if (this.holds(this.ledger.ackedValueAt(row))) continue;
      this.addPending(row);
      this.rowsSeen = row + 1;
      return true;
    }
    this.rowsSeen = rows;
    return false;
  }

  private addPending(row: number): void {
    if (this.pendingCount === this.pending.length) {
      const grown = new Int32Array(this.pending.length * 2);
      grown.set(this.pending);
      this.pending = grown;
    }
    this.pending[this.pendingCount++] = row;
  }
}
