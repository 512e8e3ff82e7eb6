import type { LogEntry } from "./messages.ts";
import type { EnsembleObserver } from "./observer.ts";
import type { TreeState } from "./ZnodeTree.ts";
import { formatZxid, type Zxid } from "./zxid.ts";

/**
 * Checks the ensemble's safety invariants as the run goes, from what members report:
 * - at most one leader per epoch;
 * - no two members commit different transactions at the same zxid;
 * - each member applies commits in zxid order with no gap in the committed sequence
 *   (so every member's committed log is a prefix of the longest one);
 * - in a committed tree, an ephemeral node exists only while its owner session does.
 * It observes only: violations are collected, never acted on.
 */
export class EnsembleChecker implements EnsembleObserver {
  readonly violations: string[] = [];
  private readonly leaders = new Map<number, string>();
  /** The first entry committed at each zxid: members mostly commit the very same entry object (it travels by reference). */
  private readonly committedAt = new Map<Zxid, LogEntry>();
  private readonly lastApplied = new Map<string, Zxid>();
  private readonly appliedSequences = new Map<string, Zxid[]>();
  /** The snapshot zxid each member's current sequence starts after. */
  private readonly appliedFrom = new Map<string, Zxid>();

  leaderEstablished(member: string, epoch: number): void {
    const previous = this.leaders.get(epoch);
    if (previous !== undefined && previous !== member) {
      this.violations.push(`two leaders in epoch ${epoch}: ${previous} and ${member}`);
    }
    this.leaders.set(epoch, member);
  }

  committed(member: string, entry: LogEntry): void {
    const known = this.committedAt.get(entry.zxid);
    if (known === undefined) this.committedAt.set(entry.zxid, entry);
    else if (known !== entry && entryIdentity(known) !== entryIdentity(entry)) {
      this.violations.push(`${member} committed a different transaction at ${formatZxid(entry.zxid)}: ${entryIdentity(entry)} vs ${entryIdentity(known)}`);
    }
    const last = this.lastApplied.get(member) ?? 0;
    if (entry.zxid <= last) this.violations.push(`${member} applied ${formatZxid(entry.zxid)} after ${formatZxid(last)}`);
    this.lastApplied.set(member, entry.zxid);
    let sequence = this.appliedSequences.get(member);
    if (!sequence) this.appliedSequences.set(member, (sequence = []));
    sequence.push(entry.zxid);
  }

  treeReset(member: string, fromZxid: Zxid): void {
    this.lastApplied.set(member, fromZxid);
    this.appliedFrom.set(member, fromZxid);
    this.appliedSequences.delete(member);
  }

  /** Epochs and their leaders, in epoch order. */
  leadersByEpoch(): [number, string][] {
    return [...this.leaders].sort((a, b) => a[0] - b[0]);
  }

  /** Every zxid committed anywhere, ascending. */
  committedZxids(): Zxid[] {
    return [...this.committedAt.keys()].sort((a, b) => a - b);
  }

  /**
   * Log matching, checked at the end: what each member applied since its last reset is
   * exactly a prefix of the committed sequence (no gaps, nothing extra).
   */
  checkPrefixes(): string[] {
    const all = this.committedZxids();
    const problems: string[] = [];
    for (const [member, sequence] of this.appliedSequences) {
      const from = this.appliedFrom.get(member) ?? 0;
      const start = all.findIndex((z) => z > from);
      for (let i = 0; i < sequence.length; i++) {
        const expected = all[start + i];
        if (sequence[i] !== expected) {
          problems.push(
            `${member}'s committed log is not a prefix: after ${formatZxid(from)}, position ${i} has ` +
              `${formatZxid(sequence[i]!)}, expected ${expected === undefined ? "nothing" : formatZxid(expected)}`,
          );
          break;
        }
      }
    }
    this.violations.push(...problems);
    return problems;
  }
}

/** Tree-level invariants of a committed state; returns the problems found. */
export function checkTree(tree: TreeState): string[] {
  const problems: string[] = [];
  for (const [path, node] of tree.nodes) {
    if (node.ephemeralOwner !== 0 && tree.sessions[String(node.ephemeralOwner)] === undefined) {
      problems.push(`ephemeral ${path} outlives its session ${node.ephemeralOwner}`);
    }
    for (const child of node.children) {
      const childPath = path === "/" ? `/${child}` : `${path}/${child}`;
      if (!tree.nodes.has(childPath)) problems.push(`${path} lists missing child ${child}`);
    }
  }
  return problems;
}

function entryIdentity(entry: LogEntry): string {
  return `${entry.origin}#${entry.xid}:${JSON.stringify(entry.txn)}`;
}
