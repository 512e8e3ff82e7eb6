import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { History } from "../../src/check/history/index.ts";
import { ProduceLedger } from "../../src/check/ProduceLedger.ts";
import { RecordSet, type RecordBatch } from "../../src/protocol/records.ts";
import { CommittedLogs, type LeaderReplica } from "../../src/world/CommittedLogs.ts";
import { UncommittedAcks } from "../../src/world/UncommittedAcks.ts";

/** A replica log of immutable batch objects, read a few batches at a time, stopping at a corrupt one. */
class BatchLog implements LeaderReplica {
  corrupt = new Set<RecordBatch>();
  highWatermark = 0;

  constructor(
    public batches: RecordBatch[],
    readonly batchesPerRead: number,
  ) {}

  get log(): this {
    return this;
  }

  get logStartOffset(): number {
    return this.batches[0]?.baseOffset ?? this.emptyStart;
  }

  emptyStart = 0;

  get logEndOffset(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? last.baseOffset + last.records.length : this.emptyStart;
  }

  read(fetchOffset: number, _maxBytes: number, upperBoundOffset: number): readonly RecordBatch[] | "OFFSET_OUT_OF_RANGE" {
    if (fetchOffset < this.logStartOffset || fetchOffset > this.logEndOffset) return "OFFSET_OUT_OF_RANGE";
    const upper = Math.min(upperBoundOffset, this.logEndOffset);
    const out: RecordBatch[] = [];
    for (const b of this.batches) {
      if (b.baseOffset + b.records.length - 1 < fetchOffset) continue;
      if (b.baseOffset + b.records.length - 1 >= upper || out.length >= this.batchesPerRead) break;
      if (this.corrupt.has(b)) break;
      out.push(b);
    }
    return out;
  }
}

let nextValue = 1;
function batch(baseOffset: number, size: number): RecordBatch {
  const records = Array.from({ length: size }, () => ({ key: null, valueId: 3_000_000_000 + (nextValue++ % 50), sizeBytes: 10, createdAtMicros: 0 }));
  return { baseOffset, records: RecordSet.of(records), partitionLeaderEpoch: 0, producerId: -1, producerEpoch: -1, baseSequence: -1, appendedAtMicros: 0, sizeBytes: 100 };
}

/** The committed log as the whole-log walk (before the columns) read it: value ids by offset from the log start. */
function walk(replica: LeaderReplica | undefined): { startOffset: number; valueIds: number[] } | null {
  if (!replica) return null;
  const log = replica.log;
  const hw = replica.highWatermark;
  const startOffset = log.logStartOffset;
  const valueIds: number[] = Array.from({ length: Math.max(0, hw - startOffset) }, () => NaN);
  let offset = startOffset;
  while (offset < hw) {
    const batches = log.read(offset, 1 << 20, hw);
    if (batches === "OFFSET_OUT_OF_RANGE" || batches.length === 0) break;
    for (const b of batches) {
      b.records.toArray().forEach((r, i) => {
        const at = b.baseOffset + i;
        if (at >= offset && at < hw) valueIds[at - startOffset] = r.valueId;
      });
      offset = Math.max(offset, b.baseOffset + b.records.length);
    }
  }
  return { startOffset, valueIds };
}

/** A step of a partition's history: what can happen to a leader's log between two liveness checks. */
const step = fc.oneof(
  fc.record({ kind: fc.constant("append" as const), size: fc.integer({ min: 1, max: 4 }), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant("hw" as const), back: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant("new-leader" as const), keep: fc.nat(), size: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("log-start" as const), drop: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("corrupt" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("offline" as const) }),
);

type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function apply(logs: (BatchLog | undefined)[], p: number, s: Step, batchesPerRead: number): void {
  let log = logs[p];
  if (s.kind === "offline") {
    logs[p] = log ? undefined : new BatchLog([], batchesPerRead);
    return;
  }
  if (!log) return;
  const end = () => log!.logEndOffset;
  switch (s.kind) {
    case "append":
      for (let i = 0; i < s.count; i++) log.batches.push(batch(end(), s.size));
      log.highWatermark = end();
      break;
    case "hw":
      log.highWatermark = Math.max(log.logStartOffset, end() - s.back);
      break;
    case "truncate":
      log.batches = log.batches.slice(0, s.keep % (log.batches.length + 1));
      log.highWatermark = Math.min(log.highWatermark, end());
      break;
    case "new-leader": {
      // Another replica leads: the same batch objects up to where the histories part, then its own.
      const kept = log.batches.slice(0, s.keep % (log.batches.length + 1));
      log = logs[p] = Object.assign(new BatchLog(kept, batchesPerRead), { emptyStart: log.emptyStart });
      for (let i = 0; i < s.size; i++) log.batches.push(batch(log.logEndOffset, 2));
      log.highWatermark = log.logEndOffset;
      break;
    }
    case "log-start":
      if (log.batches.length > s.drop) log.batches = log.batches.slice(s.drop);
      log.highWatermark = Math.max(log.highWatermark, log.logStartOffset);
      break;
    case "corrupt":
      if (log.batches.length > 0) log.corrupt.add(log.batches[s.at % log.batches.length]!);
      break;
  }
}

describe("committed logs kept up to date between liveness checks", () => {
  it("after appends, truncations, new leaders, moved log starts, corrupt batches and lost leaders, each column reads as a walk of the whole log, and the count of acknowledged values in no committed log is exact, also after looks that stop at the first missing value", () => {
    fc.assert(
      // `askAnywhere`: whether the test asks `has` from the start (the logs then keep their occurrence counts throughout).
      // The third of a step: whether the check counts, or only asks whether any value is missing (a liveness check before the last).
      fc.property(fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), step, fc.boolean()), { maxLength: 40 }), (batchesPerRead, askAnywhere, steps) => {
        const logs: (BatchLog | undefined)[] = [0, 1, 2].map(() => new BatchLog([], batchesPerRead));
        const committed = new CommittedLogs({ partitions: () => [["t", 3]], leaderOf: (_t, p) => logs[p] });
        const history = new History();
        const ledger = new ProduceLedger(history);
        const uncommitted = new UncommittedAcks(ledger, committed);
        const acked = new Set<number>();
        // Each value is sent and acknowledged once, as in a run (the ledger reads its acknowledgements from the history).
        const ack = (valueId: number, p: number, offset: number) => {
          if (acked.has(valueId)) return;
          history.sendInvoked("producer-0", 0, "t", null, valueId);
          history.sendOk("producer-0", 1_000, valueId, p, offset);
          ledger.observer.acknowledged!({ valueId } as never, "t", p, offset, 1000);
          acked.add(valueId);
        };
        for (const [p, s, countIt] of steps) {
          apply(logs, p, s, batchesPerRead);
          // Some values get acknowledged between checks.
          for (const b of logs[p]?.batches.slice(-2) ?? []) ack(b.records.valueIdAt(0), p, b.baseOffset);
          if (s.kind === "hw") ack(9_000_000_000 + s.back, p, -1);
          committed.refresh();
          const snapshots = committed.snapshots();
          const everywhere = new Set<number>();
          logs.forEach((log, i) => {
            const expected = walk(log);
            const actual = snapshots.get(`t-${i}`)!;
            expect(actual === null ? null : { startOffset: actual.startOffset, valueIds: [...actual.valueIds] }).toEqual(expected);
            for (const v of expected?.valueIds ?? []) if (!Number.isNaN(v)) everywhere.add(v);
          });
          const missing = [...acked].filter((v) => !everywhere.has(v)).length;
          if (countIt) expect(uncommitted.count()).toBe(missing);
          else expect(uncommitted.any()).toBe(missing > 0);
          if (askAnywhere) for (const v of acked) expect(committed.has(v)).toBe(everywhere.has(v));
        }
      }),
      { numRuns: 400 },
    );
  });
});
