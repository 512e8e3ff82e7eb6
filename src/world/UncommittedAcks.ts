import type { ProduceLedger } from "../check/ProduceLedger.ts";
import type { CommittedLogColumn } from "./CommittedLogColumn.ts";
import type { CommittedLogs } from "./CommittedLogs.ts";

/**
 * How many acknowledged values are in no partition's committed log, counted at each
 * liveness check without looking every acknowledged value up again: a value found in a
 * committed log stays found while no committed log loses anything (their `drops` count
 * stands still), so a check looks only at the values acknowledged since the last one and
 * at those not found then; after a drop, at every value again. Each is looked for first
 * at the offset it was acknowledged at, then anywhere.
 */
export class UncommittedAcks {
  private rowsSeen = 0;
  private dropsSeen = 0;
  /** Ledger rows whose value was in no committed log at the last count. */
  private missing = new Int32Array(1024);
  private missingCount = 0;
  /** The column of each of the ledger's partitions (by its index), once the logs have one. */
  private readonly columns: (CommittedLogColumn | undefined)[] = [];

  constructor(
    private readonly ledger: ProduceLedger,
    private readonly logs: CommittedLogs,
  ) {}

  /** Acknowledged values absent from every committed log as of the logs' last refresh. */
  count(): number {
    const rows = this.ledger.ackedValues;
    const previous = this.missing.subarray(0, this.missingCount);
    this.missing = new Int32Array(Math.max(1024, this.missingCount));
    this.missingCount = 0;
    if (this.logs.drops !== this.dropsSeen) {
      this.dropsSeen = this.logs.drops;
      for (let row = 0; row < rows; row++) this.check(row);
    } else {
      for (const row of previous) this.check(row);
      for (let row = this.rowsSeen; row < rows; row++) this.check(row);
    }
    this.rowsSeen = rows;
    return this.missingCount;
  }

  /**
   * Whether `count()` would be above 0, looking no further than the first value absent
   * from every committed log (see AckedNotYet.any): the rows not looked at stay as they
   * were, for the next count or look.
   */
  any(): boolean {
    if (this.logs.drops !== this.dropsSeen) {
      // Every row is to be looked at again: as if none had been seen.
      this.dropsSeen = this.logs.drops;
      this.rowsSeen = 0;
      this.missingCount = 0;
    }
    // The rows still missing at the last look: those found since are dropped from the front.
    let found = 0;
    while (found < this.missingCount && this.found(this.missing[found]!)) found++;
    if (found > 0) {
      this.missing.copyWithin(0, found, this.missingCount);
      this.missingCount -= found;
    }
    if (this.missingCount > 0) return true;
    const rows = this.ledger.ackedValues;
    for (let row = this.rowsSeen; row < rows; row++) {
      if (this.found(row)) continue;
      this.addMissing(row);
      this.rowsSeen = row + 1;
      return true;
    }
    this.rowsSeen = rows;
    return false;
  }

  private check(row: number): void {
    if (!this.found(row)) this.addMissing(row);
  }

  private addMissing(row: number): void {
    if (this.missingCount === this.missing.length) {
      const grown = new Int32Array(this.missing.length * 2);
      grown.set(this.missing);
      this.missing = grown;
    }
    this.missing[this.missingCount++] = row;
  }

  private found(row: number): boolean {
    const ledger = this.ledger;
    const valueId = ledger.ackedValueAt(row);
    const partition = ledger.ackedPartitionAt(row);
    let column = this.columns[partition];
    if (column === undefined) {
      const where = ledger.partitionAt(partition);
      column = this.columns[partition] = this.logs.column(where.topic, where.partition);
    }
    if (column !== undefined && column.valueAt(ledger.ackedOffsetAt(row)) === valueId) return true;
    return this.logs.has(valueId);
  }
}
