import type { ScenarioDoc } from "./ScenarioDoc.ts";
import type { VariantSearch } from "./Shrinker.ts";

const FAULTS = ["faults"] as const;

/**
 * Removes faults in the style of Zeller's ddmin: every fault at once, then each half,
 * each quarter, ... down to one fault at a time. After a removal that keeps the failure
 * the granularity steps back one notch (the remaining list is shorter), so a schedule of
 * n faults with one that matters costs about 2·log2(n) runs rather than n.
 */
export function removeFaults(s: VariantSearch): boolean {
  let progress = false;
  const total = s.best.doc.length(FAULTS);
  if (total > 1 && removeChunk(s, range(0, total))) return true;
  let chunks = 2;
  while (!s.exhausted) {
    const count = s.best.doc.length(FAULTS);
    if (count === 0) break;
    chunks = Math.min(chunks, count);
    const removed = split(count, chunks).some((chunk) => removeChunk(s, chunk));
    if (removed) {
      progress = true;
      chunks = Math.max(chunks - 1, 2);
      continue;
    }
    if (chunks >= count) break;
    chunks = Math.min(chunks * 2, count);
  }
  return progress;
}

function removeChunk(s: VariantSearch, indices: readonly number[]): boolean {
  const what = indices.map((i) => describeFaultItem(s.best.doc.value([...FAULTS, i]))).join("; ");
  const label = indices.length === 1 ? `removed the fault ${what}` : `removed ${indices.length} faults: ${what}`;
  return s.attempt(label, (doc: ScenarioDoc) => {
    doc.removeItems(FAULTS, indices);
    return true;
  });
}

/** 0..count-1 cut into `chunks` consecutive runs of nearly equal length. */
export function split(count: number, chunks: number): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < chunks; c++) {
    const start = Math.floor((c * count) / chunks);
    const end = Math.floor(((c + 1) * count) / chunks);
    if (end > start) out.push(range(start, end));
  }
  return out;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** `crash leader(orders/0) at 10s for 15s`: a fault item as one line of a summary. */
export function describeFaultItem(item: unknown): string {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return compact(item);
  const { at, for: forTime, ...body } = item as Record<string, unknown>;
  const action = Object.entries(body)
    .map(([verb, target]) => (target === true || target === null ? verb : `${verb} ${compact(target)}`))
    .join(" ");
  return `${action} at ${compact(at)}${forTime === undefined ? "" : ` for ${compact(forTime)}`}`;
}

function compact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compact).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => `${k} ${compact(v)}`)
      .join(", ");
  }
  return String(value);
}
