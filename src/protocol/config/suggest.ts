/**
 * "Did you mean" for misspelt names: Kafka keys, scenario keys, topic names, enum values.
 * Two ways to be close: the same name written with other separators or case
 * (`min_insync_replicas`, `minInsyncReplicas`, `Replication-Factor`), or a few edits away
 * (optimal string alignment distance: insertions, deletions, substitutions and swaps of
 * neighbours, so `lniger.ms` is one edit from `linger.ms`).
 */

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the swap of neighbours looks two rows back.
  let older = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, older[j - 2]! + 1);
      current[j] = best;
    }
    [older, previous, current] = [previous, current, older];
  }
  return previous[b.length]!;
}

/** The name with case and separators (`.`, `_`, `-`, spaces) removed: `minInsyncReplicas` → `mininsyncreplicas`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[._\-\s]/g, "");
}

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a
 * plausible typo. Ties go to the earlier candidate, so the answer is deterministic.
 */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  const target = normaliseName(word);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const normalised = normaliseName(candidate);
    if (normalised === target) return candidate;
    const distance = Math.min(editDistance(word.toLowerCase(), candidate.toLowerCase()), editDistance(target, normalised));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= allowedEdits(word) ? best : undefined;
}

/** A third of the name's length, at least one and at most four edits. */
function allowedEdits(word: string): number {
  return Math.max(1, Math.min(4, Math.floor(word.length / 3)));
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
}
