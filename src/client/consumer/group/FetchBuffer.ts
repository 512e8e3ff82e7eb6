import { assert } from "../../../../sim/index.ts";
import { recordOffsetOf, tpKey, type TopicPartition } from "../../../protocol/records.ts";
import { ConsumerRecords } from "../ConsumerRecords.ts";
import type { FetchedRecords } from "../FetchedRecords.ts";
import type { SubscriptionState } from "./SubscriptionState.ts";

interface CompletedFetch {
  readonly tp: TopicPartition;
  /** What is left to hand out (taken from the front as poll() hands records out). */
  readonly records: FetchedRecords;
  /** Where the partition's position goes once every record is handed out (past compacted gaps). */
  readonly nextOffset: number;
}

/**
 * Fetched records waiting for poll() (Kafka's FetchBuffer of completed fetches): one entry
 * per partition and fetch answer, drained in arrival order, up to max.poll.records per
 * poll. A partition with records here is not fetched again until they are all handed out,
 * so at most one answer per partition waits. Draining moves the partition's position.
 */
export class FetchBuffer {
  private queue: CompletedFetch[] = [];
  private readonly buffered = new Set<string>();

  /** Keeps a fetch answer; an answer that neither holds records nor moves the position is dropped. */
  add(tp: TopicPartition, records: FetchedRecords, nextOffset: number, position: number): void {
    if (records.length === 0 && nextOffset === position) return;
    assert(!this.buffered.has(tpKey(tp)), () => `fetch buffer: a second answer for ${tpKey(tp)} while one waits`);
    this.queue.push({ tp, records, nextOffset });
    this.buffered.add(tpKey(tp));
  }

  has(tp: TopicPartition): boolean {
    return this.buffered.has(tpKey(tp));
  }

  /** How many records wait, across partitions. */
  get size(): number {
    return this.queue.reduce((n, f) => n + f.records.remaining, 0);
  }

  remove(tp: TopicPartition): void {
    if (!this.buffered.delete(tpKey(tp))) return;
    this.queue = this.queue.filter((f) => tpKey(f.tp) !== tpKey(tp));
  }

  clear(): void {
    this.queue = [];
    this.buffered.clear();
  }

  /**
   * Up to `maxRecords` records, partition by partition in arrival order, moving each
   * partition's position past what it hands out. Answers for partitions no longer assigned
   * (or whose position moved, by a seek) are dropped.
   */
  drain(maxRecords: number, subscriptions: SubscriptionState): ConsumerRecords {
    let out = ConsumerRecords.EMPTY;
    while (this.queue.length > 0 && out.length < maxRecords) {
      const f = this.queue[0]!;
      const position = subscriptions.position(f.tp);
      const next = f.records.nextOffset;
      if (position === null || (next !== undefined && next < position)) {
        this.shift();
        continue;
      }
      if (out === ConsumerRecords.EMPTY && f.records.remaining > 0) out = new ConsumerRecords();
      const took = f.records.takeInto(out, maxRecords - out.length);
      // The leader epoch of the last record handed out (its batch's), for the position.
      const epoch = took > 0 ? out.runBatch(out.runCount - 1).partitionLeaderEpoch : undefined;
      if (f.records.remaining > 0) {
        const last = out.runCount - 1;
        subscriptions.setPosition(f.tp, recordOffsetOf(out.runBatch(last), out.runFirst(last) + out.runLength(last) - 1) + 1, epoch);
      } else {
        subscriptions.setPosition(f.tp, f.nextOffset, epoch);
        this.shift();
      }
    }
    return out;
  }

  private shift(): void {
    const f = this.queue.shift()!;
    this.buffered.delete(tpKey(f.tp));
  }
}
