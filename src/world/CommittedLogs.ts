import { assert } from "../../sim/index.ts";
import { ValueIdTable } from "../check/ValueIdTable.ts";
import { CommittedLogColumn, type ColumnChanges, type CommittedLogSource } from "./CommittedLogColumn.ts";

/** The replica that leads a partition now, as far as its committed log goes. */
export interface LeaderReplica {
  readonly log: CommittedLogSource;
  readonly highWatermark: number;
}

export interface CommittedLogsOptions {
  /** The topics and how many partitions each has now, in the order the results list them. */
  readonly partitions: () => Iterable<readonly [topic: string, partitions: number]>;
  /** The replica leading the partition now, undefined when it has none. */
  readonly leaderOf: (topic: string, partition: number) => LeaderReplica | undefined;
}

/** One partition's committed log at one instant: value ids by offset from its log start. */
export interface CommittedLogSnapshot {
  readonly startOffset: number;
  readonly valueIds: Float64Array;
}

/**
 * Every partition's committed log (see CommittedLogColumn), kept up to date by `refresh`.
 * `drops` counts the refreshes in which some column lost a value, so a reader can keep
 * what it found until the count moves. Whether a value is anywhere is answered from a
 * count of its occurrences, built the first time it is asked (a run whose records are all
 * found where they were acknowledged never asks) and kept up to date from then on.
 */
export class CommittedLogs {
  private readonly columns = new Map<string, CommittedLogColumn[]>();
  private dropCount = 0;
  /** Value id -> the number of offsets holding it over every committed log; null until `has` is first asked. */
  private occurrences: ValueIdTable | null = null;
  private readonly changes: ColumnChanges = {
    added: (valueId) => {
      const occurrences = this.occurrences!;
      occurrences.set(valueId, Math.max(0, occurrences.get(valueId)) + 1);
    },
    removed: (valueId) => {
      const occurrences = this.occurrences!;
      const count = occurrences.get(valueId);
      assert(count > 0, () => `CommittedLogs: value ${valueId} removed more often than added`);
      occurrences.set(valueId, count - 1);
    },
  };

  constructor(private readonly options: CommittedLogsOptions) {}

  /** Reads every partition's leader again (only what changed since the last refresh). */
  refresh(): void {
    const changes = this.occurrences === null ? null : this.changes;
    let dropped = false;
    for (const [topic, partitions] of this.options.partitions()) {
      let byPartition = this.columns.get(topic);
      if (byPartition === undefined) this.columns.set(topic, (byPartition = []));
      for (let p = 0; p < partitions; p++) {
        const column = (byPartition[p] ??= new CommittedLogColumn());
        const leader = this.options.leaderOf(topic, p);
        if (column.refresh(leader?.log, leader?.highWatermark ?? 0, changes)) dropped = true;
      }
    }
    if (dropped) this.dropCount++;
  }

  /** How many refreshes took a value out of some committed log (what was found before may be gone). */
  get drops(): number {
    return this.dropCount;
  }

  /** A partition's column (undefined before a refresh has seen the partition). */
  column(topic: string, partition: number): CommittedLogColumn | undefined {
    return this.columns.get(topic)?.[partition];
  }

  /** Whether the value is in some partition's committed log, as of the last refresh. */
  has(valueId: number): boolean {
    if (this.occurrences === null) {
      const occurrences = (this.occurrences = new ValueIdTable());
      for (const byPartition of this.columns.values()) {
        for (const column of byPartition) column?.forEachValue(this.changes.added);
      }
      return occurrences.get(valueId) > 0;
    }
    return this.occurrences.get(valueId) > 0;
  }

  /** Each partition's committed log as of the last refresh (views, good until the next), keyed `topic-partition`, in `partitions` order; null without a leader. */
  snapshots(): Map<string, CommittedLogSnapshot | null> {
    const out = new Map<string, CommittedLogSnapshot | null>();
    for (const [topic, partitions] of this.options.partitions()) {
      const byPartition = this.columns.get(topic);
      for (let p = 0; p < partitions; p++) out.set(`${topic}-${p}`, byPartition?.[p]?.snapshot() ?? null);
    }
    return out;
  }
}
