import type { ProduceLedger } from "../check/ProduceLedger.ts";
import type { CommittedLogColumn } from "./CommittedLogColumn.ts";
import type { CommittedLogs } from "./CommittedLogs.ts";

const SCAN_BLOCK = 4096;

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
  /** A block of ledger rows read at once (see `scan`). */
  private readonly block = { values: new Float64Array(SCAN_BLOCK), partitions: new Float64Array(SCAN_BLOCK), offsets: new Float64Array(SCAN_BLOCK) };
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
      this.scan(0, rows, false);
    } else {
      for (const row of previous) this.check(row);
      this.scan(this.rowsSeen, rows, false);
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
    this.rowsSeen = this.scan(this.rowsSeen, rows, true);
    return this.missingCount > 0;
  }

  /**
   * Looks at rows `from` .. `to - 1`, a block at a time (the ledger's columns read in bulk:
   * this pass runs once or twice a run, over every acknowledged value, mostly before the
   * optimising compiler has seen it, where a few calls per row cost 180 ns a row). Adds the
   * rows not found to `missing`; with `firstOnly`, stops after the first and returns the row
   * after it (else `to`).
   */
  private scan(from: number, to: number, firstOnly: boolean): number {
    const { values, partitions, offsets } = this.block;
    for (let start = from; start < to; start += SCAN_BLOCK) {
      const n = Math.min(SCAN_BLOCK, to - start);
      this.ledger.readAcked(start, n, values, partitions, offsets);
      for (let k = 0; k < n; k++) {
        if (this.foundAt(values[k]!, partitions[k]!, offsets[k]!)) continue;
        this.addMissing(start + k);
        if (firstOnly) return start + k + 1;
      }
    }
    return to;
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
    return this.foundAt(ledger.ackedValueAt(row), ledger.ackedPartitionAt(row), ledger.ackedOffsetAt(row));
  }

  /** Whether a value acknowledged at `offset` of the ledger's partition `partition` is there, or else anywhere. */
  private foundAt(valueId: number, partition: number, offset: number): boolean {
    let column = this.columns[partition];
    if (column === undefined) {
      const where = this.ledger.partitionAt(partition);
      column = this.columns[partition] = this.logs.column(where.topic, where.partition);
    }
    if (column !== undefined && column.valueAt(offset) === valueId) return true;
    return this.logs.has(valueId);
  }
}
