import { writeLinesToFile } from "./ChunkedFile.ts";
import { type History, OpKind, type OpView, type SendView } from "./History.ts";
import { JepsenProcesses } from "./JepsenProcesses.ts";

/**
 * The history in the EDN form that jepsen.tests.kafka reads, one operation a line
 * (`{:type :invoke, :f :send, :value [[:send 3 17]], :process 0, :time 1000, :index 0}`).
 *
 * Choices, following what kafka.clj's checker reads (op-writes / op-reads reduce over the
 * micro-operations of :value, for :f :send, :poll and :txn):
 * - :value is a vector of micro-operations: a send is `[[:send k v]]`, completing ok as
 *   `[[:send k [offset v]]]` (`[nil v]` with acks=0, no offset known); fail and info keep
 *   the invoke's value, as Jepsen's clients do. A poll is an invoke `[[:poll]]` and an ok
 *   `[[:poll {k [[offset v] ...], ...}]]` at the same time.
 * - k, the integer key, is the topic-partition's id in the history: 0, 1, ... in order of
 *   first appearance in the recording (see `ednKeys`). A send's invoke carries the key of
 *   the partition it ended in; a send that never learned its partition (failed before one
 *   was chosen, or still pending) uses its topic's "unknown partition" key, which no poll
 *   reads.
 * - v is the ksim value id.
 * - :process is an integer: see JepsenProcesses (a client split into single-threaded lanes).
 * - :time is simulated nanoseconds (microseconds x 1000); :index counts from 0 over the
 *   operations written.
 * - Commits are not written: Jepsen's kafka workload has no commit operation (it commits
 *   inside its poll transactions). The JSON lines form has them.
 * - A consumer's new assignment is Jepsen's `:assign` op (`:value [k ...]`, the keys it was
 *   given), an invoke and its ok at the same time: Jepsen's checker, like ksim's, compares
 *   a process's polls within one assignment only.
 */
export function historyEdnLines(history: History, emit: (line: string) => void): void {
  const writer = new EdnWriter(history, emit);
  history.forEachOp((op) => writer.write(op));
}

/** Writes the EDN form to `path` (via `path.partial`, renamed when complete). */
export function writeHistoryEdn(history: History, path: string): void {
  writeLinesToFile(path, (emit) => historyEdnLines(history, emit));
}

/**
 * The integer key of each topic-partition in the EDN form, as `topic-p` labels (`topic-?`
 * for a topic's unknown-partition key), index = key. Call after writing the EDN form:
 * sends still pending at the end get their topic's unknown-partition key as it is written.
 */
export function ednKeys(history: History): string[] {
  const labels: string[] = [];
  for (let id = 0; id < history.topicPartitions.size; id++) labels.push(history.topicPartitions.label(id));
  return labels;
}

class EdnWriter {
  private readonly processes = new JepsenProcesses();
  /** Jepsen process of each in-flight send (by send row) and of the poll in flight. */
  private readonly sendProcess = new Map<number, number>();
  private pollProcess = -1;
  private index = 0;
  private readonly send = {} as SendView;

  constructor(
    private readonly history: History,
    private readonly emit: (line: string) => void,
  ) {}

  write(op: Readonly<OpView>): void {
    switch (op.kind) {
      case OpKind.sendInvoke:
        return this.sendInvoke(op);
      case OpKind.sendComplete:
        return this.sendComplete(op);
      case OpKind.pollInvoke:
        this.pollProcess = this.processes.invoke(op.processId);
        return this.line("invoke", "poll", "[[:poll]]", this.pollProcess, op.atMicros);
      case OpKind.pollOk:
        this.line("ok", "poll", `[[:poll ${this.pollMap(op.row)}]]`, this.pollProcess, op.atMicros);
        return this.processes.complete(op.processId, this.pollProcess, false);
      case OpKind.commitInvoke:
      case OpKind.commitComplete:
        return;
      case OpKind.assignInvoke: {
        const keys = `[${this.history.readAssign(op.row).topicPartitionIds.join(" ")}]`;
        const process = this.processes.invoke(op.processId);
        this.line("invoke", "assign", keys, process, op.atMicros);
        this.line("ok", "assign", keys, process, op.atMicros);
        return this.processes.complete(op.processId, process, false);
      }
      case OpKind.assignOk:
        return;
    }
  }

  private sendInvoke(op: Readonly<OpView>): void {
    const s = this.history.readSend(op.row, this.send);
    const process = this.processes.invoke(op.processId);
    this.sendProcess.set(op.row, process);
    this.line("invoke", "send", `[[:send ${this.sendKey(s)} ${s.valueId}]]`, process, op.atMicros);
  }

  private sendComplete(op: Readonly<OpView>): void {
    const s = this.history.readSend(op.row, this.send);
    const process = this.sendProcess.get(op.row)!;
    this.sendProcess.delete(op.row);
    const key = this.sendKey(s);
    if (s.completion === "ok") {
      const offset = s.offset < 0 ? "nil" : String(s.offset);
      this.line("ok", "send", `[[:send ${key} [${offset} ${s.valueId}]]]`, process, op.atMicros);
    } else {
      this.line(s.completion === "info" ? "info" : "fail", "send", `[[:send ${key} ${s.valueId}]]`, process, op.atMicros);
    }
    this.processes.complete(op.processId, process, s.completion === "info");
  }

  /** The send's key: its partition's, or its topic's unknown-partition key. */
  private sendKey(s: SendView): number {
    if (s.topicPartitionId >= 0) return s.topicPartitionId;
    return this.history.topicPartitions.intern(s.topic, -1);
  }

  private pollMap(poll: number): string {
    const byKey = new Map<number, string[]>();
    const [firstRun, endRun] = this.history.pollRunRange(poll);
    this.history.forEachPolledRun((run) => {
      let pairs = byKey.get(run.topicPartitionId);
      if (!pairs) byKey.set(run.topicPartitionId, (pairs = []));
      for (let i = 0; i < run.count; i++) pairs.push(`[${run.firstOffset + i} ${this.history.runValueId(run, i)}]`);
    }, firstRun, endRun);
    const entries = [...byKey].map(([key, pairs]) => `${key} [${pairs.join(" ")}]`);
    return `{${entries.join(", ")}}`;
  }

  private line(type: string, f: string, value: string, process: number, atMicros: number): void {
    const nanos = Math.round(atMicros * 1000);
    this.emit(`{:type :${type}, :f :${f}, :value ${value}, :process ${process}, :time ${nanos}, :index ${this.index++}}`);
  }
}
