import type { Micros } from "../../sim/index.ts";

/** One stretch of a lane: a value held from `fromMicros` to `toMicros`. */
export interface Stretch<V> {
  readonly fromMicros: Micros;
  toMicros: Micros;
  readonly value: V;
}

/**
 * A lane of the timeline: a value that changes now and then (a broker's state, a partition's
 * leader and ISR). `set` closes the current stretch and opens another when the value differs
 * (by `same`); `close` ends the lane.
 */
export class Lane<V> {
  readonly stretches: Stretch<V>[] = [];
  private current: Stretch<V> | null = null;

  constructor(private readonly same: (a: V, b: V) => boolean = (a, b) => a === b) {}

  get value(): V | undefined {
    return this.current?.value;
  }

  set(atMicros: Micros, value: V): void {
    if (this.current !== null && this.same(this.current.value, value)) return;
    if (this.current !== null) this.current.toMicros = atMicros;
    this.current = { fromMicros: atMicros, toMicros: atMicros, value };
    this.stretches.push(this.current);
  }

  /** Ends the open stretch at `atMicros`: the lane holds nothing until the next `set`. */
  clear(atMicros: Micros): void {
    if (this.current === null) return;
    this.current.toMicros = atMicros;
    this.current = null;
  }

  close(atMicros: Micros): void {
    this.clear(atMicros);
  }

  /** The stretches within [from, to], clipped to it (empty ones dropped). */
  clipped(fromMicros: Micros, toMicros: Micros): Stretch<V>[] {
    return this.stretches
      .map((s) => ({ fromMicros: Math.max(s.fromMicros, fromMicros), toMicros: Math.min(s.toMicros, toMicros), value: s.value }))
      .filter((s) => s.toMicros > s.fromMicros);
  }
}
