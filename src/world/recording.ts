import type { NodeContext } from "../../sim/index.ts";
import type { ProducerObserver } from "../client/producer/KafkaProducer.ts";
import type { GroupConsumerObserver } from "../client/consumer/group/GroupConsumerObserver.ts";
import type { ConsumedRecord } from "../client/consumer/Fetcher.ts";
import type { ConsumerRecords } from "../client/consumer/ConsumerRecords.ts";
import type { History } from "../check/history/index.ts";

/**
 * The node's process id in the history, interned at its first recorded send or poll (as the
 * name was before, so ids keep the order of first appearance) and kept from then on.
 */
function processIdOf(ctx: NodeContext, history: History): () => number {
  let id = -1;
  return () => (id >= 0 ? id : (id = history.processId(ctx.name)));
}

/**
 * Observers for one client node that feed both a run's ledgers and its history. The
 * client's own node context gives the time; the node's name is the history's process.
 */
export function recordingProducerObserver(ctx: NodeContext, ledger: ProducerObserver & Required<Pick<ProducerObserver, "batchAcknowledged">>, history: History, after?: () => void): ProducerObserver {
  const processId = processIdOf(ctx, history);
  return {
    sent: (topic, key, valueId, sizeBytes) => {
      ledger.sent?.(topic, key, valueId, sizeBytes);
      history.sendInvokedBy(processId(), ctx.now, topic, key, valueId);
    },
    acknowledged: (record, topic, partition, offset, latency) => {
      ledger.acknowledged?.(record, topic, partition, offset, latency);
      history.sendOk(ctx.name, ctx.now, record.valueId, partition, offset);
      after?.();
    },
    batchAcknowledged: (records, topic, partition, baseOffset, atMicros) => {
      ledger.batchAcknowledged(records, topic, partition, baseOffset, atMicros);
      history.sendOkBatch(atMicros, records, partition, baseOffset);
      after?.();
    },
    failed: (record, topic, partition, error, maybeWritten, latency) => {
      ledger.failed?.(record, topic, partition, error, maybeWritten, latency);
      history.sendFailed(ctx.name, ctx.now, record.valueId, maybeWritten, partition);
    },
  };
}

/** Records a poll by the node (a simple consumer's, or a group member's through its observer). */
export function recordPoll(ctx: NodeContext, history: History, records: readonly ConsumedRecord[]): void {
  recordPollBy(history.processId(ctx.name), ctx.now, history, records);
}

function recordPollBy(processId: number, atMicros: number, history: History, records: readonly ConsumedRecord[]): void {
  // Record by record: no copy of the records for the history.
  history.pollStartedBy(processId, atMicros);
  for (const r of records) history.polledRecord(r.topic, r.partition, r.offset, r.record.valueId);
}

/** `recordPollBy` for a group member's poll, read from its runs. */
function recordRunsBy(processId: number, atMicros: number, history: History, records: ConsumerRecords): void {
  history.pollStartedBy(processId, atMicros);
  for (let run = 0; run < records.runCount; run++) {
    const { topic, partition } = records.runTopicPartition(run);
    history.polledRun(topic, partition, records.runBatch(run), records.runFirst(run), records.runLength(run));
  }
}

export function recordingGroupObserver(ctx: NodeContext, ledger: GroupConsumerObserver, history: History, group: string): GroupConsumerObserver {
  const processId = processIdOf(ctx, history);
  return {
    ...ledger,
    polled: (records, generation, member, at) => {
      ledger.polled?.(records, generation, member, at);
      recordRunsBy(processId(), ctx.now, history, records);
    },
    partitionsAssigned: (partitions, generation, member, startedMicros, at) => {
      ledger.partitionsAssigned?.(partitions, generation, member, startedMicros, at);
      history.assigned(ctx.name, at, partitions);
    },
    commitSucceeded: (offsets, generation, kind, at) => {
      ledger.commitSucceeded?.(offsets, generation, kind, at);
      for (const o of offsets) history.commit(ctx.name, at, group, o.topic, o.partition, o.offset, generation, true);
    },
    commitFailed: (offsets, generation, error, kind, at) => {
      ledger.commitFailed?.(offsets, generation, error, kind, at);
      for (const o of offsets) history.commit(ctx.name, at, group, o.topic, o.partition, o.offset, generation, false);
    },
  };
}
