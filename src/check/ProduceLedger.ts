import type { ProducerObserver } from "../client/producer/KafkaProducer.ts";
import type { ClientError } from "../client/errors.ts";
import { newSendBlock, SEND_OK, type History, type SendBlock } from "./history/index.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";

/**
 * For each partition, the value ids in its final committed log, with the offsets they sit
 * at; `repeatedCount`, where given, says how many sit at more than one (without visiting
 * them all), and `valueAt` the value at an offset (a value found where it was acknowledged
 * needs no lookup by value).
 */
export type CommittedValues = ReadonlyMap<string, CommittedPartitionValues | null>;
export type CommittedPartitionValues = ReadonlyMap<number, readonly number[]> & { readonly repeatedCount?: number; valueAt?(offset: number): number | undefined };

/** An acknowledged offset below the previous one of the same producer and partition (Jepsen's nonmonotonic-send). */
export interface NonmonotonicSend {
  readonly valueId: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly previous: number;
}

/** What `ProduceLedger.endOfRun` finds. */
export interface EndOfRunReport {
  readonly losses: LossReport;
  /** In value id order. */
  readonly nonmonotonic: readonly NonmonotonicSend[];
  /** Acknowledged values `seen` was false for. */
  readonly notSeen: number;
}

export interface LossReport {
  /** Acknowledged records absent from the final committed log of their partition. */
  readonly lostAcked: number;
  /** Of those, in partitions that had no leader at the end (unavailable rather than truncated). */
  readonly lostInOfflinePartitions: number;
  /** Values present at more than one offset (a retry written twice). */
  readonly duplicated: number;
  /** The first few lost records, for the report. */
  readonly examples: readonly { valueId: number; topic: string; partition: number; offset: number }[];
}

/**
 * What producers were told, as the run goes: counts of sends, acknowledgements and failures,
 * and the produce latency of every acknowledged record. Which values were acknowledged,
 * where, it reads from the history (each acknowledgement recorded once, there: its send's
 * row, in acknowledgement order), and at the end it compares them with the partitions'
 * final committed logs: the first, simple loss count (the full Jepsen-style checkers
 * come later). An acknowledgement of a value sent twice is a row of its own.
 */
export class ProduceLedger {
  sent = 0;
  acked = 0;
  failed = 0;
  /** Failures whose outcome is unknown (the record may be in the log). */
  failedMaybeWritten = 0;
  readonly errors = new Map<ClientError, number>();
  readonly latency = new LatencyHistogram();
  /** Send rows of a block of acknowledgements, and the stretch of sends they lie in (see `readAcked`). */
  private sendRows = new Float64Array(0);
  private stretch = newSendBlock(0);

  constructor(
    /** The run's history, which the producers' observers feed too (see world/recording.ts). */
    private readonly history: History,
  ) {}

  readonly observer: ProducerObserver & Required<Pick<ProducerObserver, "batchAcknowledged">> = {
    sent: () => {
      this.sent++;
    },
    acknowledged: (_record, _topic, _partition, _offset, latencyMicros) => {
      this.acked++;
      this.latency.record(latencyMicros);
    },
    batchAcknowledged: (records, _topic, _partition, _baseOffset, atMicros) => {
      const count = records.recordCount;
      this.acked += count;
      for (let i = 0; i < count; i++) this.latency.record(atMicros - records.createdAtMicrosAt(i));
    },
    failed: (_record, _topic, _partition, error, maybeWritten) => {
      this.failed++;
      if (maybeWritten) this.failedMaybeWritten++;
      this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
    },
  };

  /**
   * The end-of-run comparisons, in one pass over the history's sends (each pass decodes
   * every send, millions in a long run): losses against the final committed logs, Jepsen's
   * nonmonotonic sends, and how many acknowledged values `seen` is false for (unprocessed
   * by a consumer group, say; 0 without `seen`).
   */
  endOfRun(committed: CommittedValues, valuesPerProducer: number, seen?: (valueId: number) => boolean): EndOfRunReport {
    // Losses: each partition's committed values looked up once, not by key string per record.
    const byPartition: (CommittedPartitionValues | null | undefined)[] = [];
    let lostInOfflinePartitions = 0;
    const lost: { valueId: number; tp: number; offset: number }[] = [];
    // Nonmonotonic sends: sends in invoke order are each producer's in value id order; the
    // last offset per producer (by value id) and topic-partition, in an array for the
    // workload's (small) producer numbers, a map for others.
    const lastOfSmall: number[][] = [];
    const lastOfOther = new Map<number, number[]>();
    const nonmonotonic: NonmonotonicSend[] = [];
    let notSeen = 0;
    this.forEachSendBlock(({ completions, valueIds, topicPartitionIds, offsets }, count) => {
      for (let k = 0; k < count; k++) {
        if (completions[k] !== SEND_OK) continue;
        const valueId = valueIds[k]!;
        const tp = topicPartitionIds[k]!;
        const offset = offsets[k]!;
        if (seen !== undefined && !seen(valueId)) notSeen++;
        const values = tp in byPartition ? byPartition[tp] : (byPartition[tp] = committed.get(partitionKey(this.partitionAt(tp))));
        if (!(values && (values.valueAt?.(offset) === valueId || values.has(valueId)))) {
          lost.push({ valueId, tp, offset });
          if (!values) lostInOfflinePartitions++;
        }
        if (offset < 0) continue; // acks=0: no offset to compare
        const producer = Math.floor(valueId / valuesPerProducer);
        const small = producer >= 0 && producer < SMALL_PRODUCERS;
        let last = small ? lastOfSmall[producer] : lastOfOther.get(producer);
        if (last === undefined) {
          last = [];
          if (small) lastOfSmall[producer] = last;
          else lastOfOther.set(producer, last);
        }
        const before = last[tp];
        if (before !== undefined && offset < before) {
          const where = this.partitionAt(tp);
          nonmonotonic.push({ valueId, topic: where.topic, partition: where.partition, offset, previous: before });
        }
        last[tp] = offset;
      }
    });
    nonmonotonic.sort((a, b) => a.valueId - b.valueId);
    const examples = lost
      .sort((a, b) => a.valueId - b.valueId)
      .slice(0, 10)
      .map(({ valueId, tp, offset }) => {
        const where = this.partitionAt(tp);
        return { valueId, topic: where.topic, partition: where.partition, offset };
      });
    let duplicated = 0;
    for (const values of committed.values()) {
      if (!values) continue;
      if (values.repeatedCount !== undefined) duplicated += values.repeatedCount;
      else for (const offsets of values.values()) if (offsets.length > 1) duplicated++;
    }
    return { losses: { lostAcked: lost.length, lostInOfflinePartitions, duplicated, examples }, nonmonotonic, notSeen };
  }

  /**
   * Jepsen's nonmonotonic-send: per producer and partition, in send order (value ids grow
   * with each producer's sends), acknowledged offsets must grow too. Reports each step back,
   * in value id order.
   */
  nonmonotonicSends(report: (e: NonmonotonicSend) => void, valuesPerProducer: number): void {
    for (const e of this.endOfRun(new Map(), valuesPerProducer).nonmonotonic) report(e);
  }

  /** Acknowledged records for which `seen` is false (unprocessed by a consumer group, say). */
  ackedNot(seen: (valueId: number) => boolean): number {
    return this.endOfRun(new Map(), 1, seen).notSeen;
  }

  /** Visits the history's sends a block at a time (see History.readSendBlock). */
  private forEachSendBlock(visit: (block: SendBlock, count: number) => void): void {
    const history = this.history;
    const block = newSendBlock(SEND_BLOCK_ROWS);
    for (let from = 0; from < history.sendCount; from += SEND_BLOCK_ROWS) {
      const count = Math.min(SEND_BLOCK_ROWS, history.sendCount - from);
      history.readSendBlock(from, count, block);
      visit(block, count);
    }
  }

  /** Visits each acknowledged send (in send order: any order serves the counts) as its block and index in it. */
  private forEachAckedInBlocks(visit: (block: SendBlock, k: number) => void): void {
    this.forEachSendBlock((block, count) => {
      const completions = block.completions;
      for (let k = 0; k < count; k++) if (completions[k] === SEND_OK) visit(block, k);
    });
  }

  /** How many acknowledgements there were: rows 0 to this - 1. */
  get ackedValues(): number {
    return this.history.ackedCount;
  }

  /** The value acknowledged `row`-th. */
  ackedValueAt(row: number): number {
    return this.history.sendValueId(this.history.ackedSendRow(row));
  }

  /** Where the value of `row` was acknowledged: an index for `partitionAt`, and the offset (-1 with acks=0). */
  ackedPartitionAt(row: number): number {
    return this.history.sendTopicPartitionId(this.history.ackedSendRow(row));
  }

  ackedOffsetAt(row: number): number {
    return this.history.sendOffset(this.history.ackedSendRow(row));
  }

  /** Rows `from` .. `from + count - 1` at once: their values, partition indexes and offsets (see `ackedValueAt` and the two after it). */
  readAcked(from: number, count: number, valueIds: Float64Array, partitions: Float64Array, offsets: Float64Array): void {
    if (this.sendRows.length < count) this.sendRows = new Float64Array(count);
    const sendRows = this.sendRows;
    const history = this.history;
    history.readAckedSendRows(from, count, sendRows);
    // Sends acknowledged together were sent close together: read the stretch of sends they
    // lie in as a block when it is not much longer than they are, else one by one.
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < count; k++) {
      const row = sendRows[k]!;
      if (row < lo) lo = row;
      if (row > hi) hi = row;
    }
    const span = hi - lo + 1;
    if (count > 0 && span <= STRETCH_PER_ROW * count) {
      if (this.stretch.valueIds.length < span) this.stretch = newSendBlock(span);
      const stretch = this.stretch;
      history.readSendBlock(lo, span, stretch);
      for (let k = 0; k < count; k++) {
        const i = sendRows[k]! - lo;
        valueIds[k] = stretch.valueIds[i]!;
        partitions[k] = stretch.topicPartitionIds[i]!;
        offsets[k] = stretch.offsets[i]!;
      }
      return;
    }
    for (let k = 0; k < count; k++) {
      const row = sendRows[k]!;
      valueIds[k] = history.sendValueId(row);
      partitions[k] = history.sendTopicPartitionId(row);
      offsets[k] = history.sendOffset(row);
    }
  }

  /** The partition an `ackedPartitionAt` index stands for (a topic-partition id of the history). */
  partitionAt(index: number): { readonly topic: string; readonly partition: number } {
    const tps = this.history.topicPartitions;
    return { topic: tps.topic(index), partition: tps.partition(index) };
  }

  /** Partition keys (`topic-p`) that acknowledged records went to. */
  partitionsWritten(): string[] {
    const used = new Set<number>();
    this.forEachAckedInBlocks((block, k) => {
      used.add(block.topicPartitionIds[k]!);
    });
    return [...new Set([...used].map((tp) => partitionKey(this.partitionAt(tp))))].sort();
  }

  /**
   * Acknowledged values absent from the committed log of the partition they were
   * acknowledged in, with the first few (smallest value ids) as examples.
   */
  losses(committed: CommittedValues): LossReport {
    return this.endOfRun(committed, 1).losses;
  }
}

/** readAcked reads a stretch of sends as a block when it is at most this many times as long as the acknowledgements in it. */
const STRETCH_PER_ROW = 4;
/** Producer numbers below this have their last offsets in an array (see nonmonotonicSends). */
const SMALL_PRODUCERS = 1 << 16;
/** Sends read at once by the passes over every send. */
const SEND_BLOCK_ROWS = 4096;

function partitionKey(where: { readonly topic: string; readonly partition: number }): string {
  return `${where.topic}-${where.partition}`;
}
