import type { Micros } from "./time.ts";

/**
 * One line of the trace: what happened, when, where. `kind` names the event family
 * (`timer`, `deliver`, `crash`, `partition`, `fsync`, ...); the rest is detail. The trace
 * is written only when someone asks (`--trace FILE`); the fingerprint is always kept.
 */
export interface TraceEvent {
  at: Micros;
  kind: string;
  node?: string;
  peer?: string;
  label?: string;
  [detail: string]: unknown;
}

/** Receives trace events in order. The CLI's sink writes JSON lines; tests collect arrays. */
export type TraceSink = (event: TraceEvent) => void;

/** A sink that keeps events in memory, for tests and for `replay --until`. */
export function collectTrace(): { sink: TraceSink; events: TraceEvent[] } {
  const events: TraceEvent[] = [];
  return { sink: (e) => events.push(e), events };
}
