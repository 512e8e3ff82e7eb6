import { PackedColumn } from "../PackedColumn.ts";

/** The kinds of rows in the operation log, in the order Jepsen would see them. */
export const OpKind = {
  sendInvoke: 0,
  sendComplete: 1,
  pollInvoke: 2,
  pollOk: 3,
  commitInvoke: 4,
  commitComplete: 5,
  assignInvoke: 6,
  assignOk: 7,
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

/**
 * The order of a history's operations, in about a byte a send. Every op but a send's
 * completion refers to the next row of its kind (sends, polls, commits and assignments
 * are numbered in the order they are invoked, and a poll's, commit's or assignment's
 * completion follows its invoke at once), so only the kinds are kept, run-length encoded
 * (a producer's sends come in runs, a batch's acknowledgements in another), and, for each
 * completion, the send row it completes (rows completed close together are close, so the
 * packed column keeps them in two bytes).
 */
export class OpLog {
  private readonly runKind = new PackedColumn();
  /** The lengths of the runs before the last; the last run's is `lastRunLength` (a field, not a get and a set per op). */
  private readonly runLength = new PackedColumn();
  private readonly completedRow = new PackedColumn();
  private lastKind = -1;
  private lastRunLength = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  get capacityBytes(): number {
    return this.runKind.capacityBytes + this.runLength.capacityBytes + this.completedRow.capacityBytes;
  }

  /** Appends an op of `kind` (not a send's completion: see `appendCompletion`). */
  append(kind: OpKind): void {
    if (kind === this.lastKind) {
      this.lastRunLength++;
    } else {
      if (this.runKind.length > 0) this.runLength.push(this.lastRunLength);
      this.runKind.push(kind);
      this.lastKind = kind;
      this.lastRunLength = 1;
    }
    this.count++;
  }

  /** Appends the completion of send row `sendRow`. */
  appendCompletion(sendRow: number): void {
    this.append(OpKind.sendComplete);
    this.completedRow.push(sendRow);
  }

  /** Visits the ops in order with their kind and row (send, poll, commit or assignment row). */
  forEach(visit: (index: number, kind: OpKind, row: number) => void): void {
    // The next row of each kind.
    let sends = 0;
    let completions = 0;
    let polls = 0;
    let commits = 0;
    let assigns = 0;
    let index = 0;
    for (let run = 0; run < this.runKind.length; run++) {
      const kind = this.runKind.get(run) as OpKind;
      const end = index + (run < this.runLength.length ? this.runLength.get(run) : this.lastRunLength);
      for (; index < end; index++) {
        switch (kind) {
          case OpKind.sendInvoke:
            visit(index, kind, sends++);
            break;
          case OpKind.sendComplete:
            visit(index, kind, this.completedRow.get(completions++));
            break;
          case OpKind.pollInvoke:
            visit(index, kind, polls++);
            break;
          case OpKind.pollOk:
            visit(index, kind, polls - 1);
            break;
          case OpKind.commitInvoke:
            visit(index, kind, commits++);
            break;
          case OpKind.commitComplete:
            visit(index, kind, commits - 1);
            break;
          case OpKind.assignInvoke:
            visit(index, kind, assigns++);
            break;
          case OpKind.assignOk:
            visit(index, kind, assigns - 1);
            break;
        }
      }
    }
  }
}
