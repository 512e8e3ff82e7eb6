import { writeLinesToFile } from "./ChunkedFile.ts";
import { type History, OpKind, type OpView, type SendView } from "./History.ts";

/**
 * The history as JSON lines, ksim's own form: one operation a line,
 * `{"index", "time", "process", "type", "f", "value"}`, in recording order, where
 * - `index` counts from 0 over every operation (commits included);
 * - `time` is simulated microseconds (the EDN form uses nanoseconds, as Jepsen does);
 * - `process` is the client's name (`producer-0`), as in the trace;
 * - `type` is invoke, ok, fail or info; `f` is send, poll or commit;
 * - `value`:
 *   - send: `{topic, key, valueId}` on invoke and fail; ok adds `partition` and `offset`
 *     (offset null with acks=0); info adds `partition` (null when none was chosen);
 *   - poll: null on invoke; on ok, `[{topic, partition, records: [[offset, valueId], ...]}]`,
 *     one entry per partition in the order the poll returned them;
 *   - commit: `{group, topic, partition, offset, generation}` on invoke and on its ok / fail;
 *   - assign: `[{topic, partition}, ...]`, the partitions a consumer was given, on invoke and ok.
 */
export function historyJsonLines(history: History, emit: (line: string) => void): void {
  const send = {} as SendView;
  history.forEachOp((op) => emit(JSON.stringify(jsonOp(history, op, send))));
}

/** Writes the JSON lines form to `path` (via `path.partial`, renamed when complete). */
export function writeHistoryJsonLines(history: History, path: string): void {
  writeLinesToFile(path, (emit) => historyJsonLines(history, emit));
}

interface JsonOp {
  index: number;
  time: number;
  process: string;
  type: "invoke" | "ok" | "fail" | "info";
  f: "send" | "poll" | "commit" | "assign";
  value: unknown;
}

function jsonOp(history: History, op: Readonly<OpView>, send: SendView): JsonOp {
  const head = { index: op.index, time: op.atMicros, process: history.processName(op.processId) };
  switch (op.kind) {
    case OpKind.sendInvoke:
    case OpKind.sendComplete:
      return { ...head, ...sendTypeAndValue(history.readSend(op.row, send), op.kind === OpKind.sendInvoke), f: "send" };
    case OpKind.pollInvoke:
      return { ...head, type: "invoke", f: "poll", value: null };
    case OpKind.pollOk:
      return { ...head, type: "ok", f: "poll", value: pollValue(history, op.row) };
    case OpKind.commitInvoke:
    case OpKind.commitComplete: {
      const c = history.readCommit(op.row);
      const type = op.kind === OpKind.commitInvoke ? "invoke" : c.ok ? "ok" : "fail";
      const value = { group: c.group, topic: c.topic, partition: c.partition, offset: c.offset, generation: c.generation };
      return { ...head, type, f: "commit", value };
    }
    case OpKind.assignInvoke:
    case OpKind.assignOk: {
      const tps = history.topicPartitions;
      const value = history.readAssign(op.row).topicPartitionIds.map((id) => ({ topic: tps.topic(id), partition: tps.partition(id) }));
      return { ...head, type: op.kind === OpKind.assignInvoke ? "invoke" : "ok", f: "assign", value };
    }
  }
}

function sendTypeAndValue(s: SendView, invoke: boolean): Pick<JsonOp, "type" | "value"> {
  const base = { topic: s.topic, key: s.key, valueId: s.valueId };
  if (invoke) return { type: "invoke", value: base };
  switch (s.completion) {
    case "ok":
      return { type: "ok", value: { ...base, partition: s.partition, offset: s.offset < 0 ? null : s.offset } };
    case "info":
      return { type: "info", value: { ...base, partition: s.partition < 0 ? null : s.partition } };
    case "fail":
    case "pending":
      return { type: "fail", value: base };
  }
}

interface PartitionRecords {
  topic: string;
  partition: number;
  records: [offset: number, valueId: number][];
}

function pollValue(history: History, poll: number): PartitionRecords[] {
  const byPartition = new Map<number, PartitionRecords>();
  const tps = history.topicPartitions;
  const [firstRun, endRun] = history.pollRunRange(poll);
  history.forEachPolledRun((run) => {
    let entry = byPartition.get(run.topicPartitionId);
    if (!entry) {
      entry = { topic: tps.topic(run.topicPartitionId), partition: tps.partition(run.topicPartitionId), records: [] };
      byPartition.set(run.topicPartitionId, entry);
    }
    for (let i = 0; i < run.count; i++) entry.records.push([run.firstOffset + i, history.runValueId(run, i)]);
  }, firstRun, endRun);
  return [...byPartition.values()];
}
