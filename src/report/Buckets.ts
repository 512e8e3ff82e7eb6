import type { Micros } from "../../sim/index.ts";

/** Bucket sizes a report may use, finest first (1 s unless the run is short or very long). */
const FINER_MICROS = [100_000, 250_000, 500_000] as const;
const COARSER_MICROS = [2_000_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000] as const;
const DEFAULT_MICROS = 1_000_000;
/** Fewer buckets than this and a finer size is taken; more than the most, a coarser one. */
const FEWEST_BUCKETS = 30;
const MOST_BUCKETS = 600;

/** 1 s buckets by default; finer for runs shorter than 30 s, coarser beyond 10 minutes. */
export function chooseBucketMicros(spanMicros: Micros): Micros {
  if (spanMicros < FEWEST_BUCKETS * DEFAULT_MICROS) {
    for (const size of [...FINER_MICROS].reverse()) if (spanMicros / size >= FEWEST_BUCKETS) return size;
    return FINER_MICROS[0];
  }
  if (spanMicros <= MOST_BUCKETS * DEFAULT_MICROS) return DEFAULT_MICROS;
  for (const size of COARSER_MICROS) if (spanMicros / size <= MOST_BUCKETS) return size;
  return COARSER_MICROS.at(-1)!;
}

/** Simulated time cut into equal buckets from `startMicros` to `endMicros`. */
export class Buckets {
  readonly count: number;

  constructor(
    readonly startMicros: Micros,
    readonly endMicros: Micros,
    readonly sizeMicros: Micros,
  ) {
    this.count = Math.max(1, Math.ceil((endMicros - startMicros) / sizeMicros));
  }

  /** The bucket holding `atMicros`, or -1 outside [start, end]. */
  indexOf(atMicros: Micros): number {
    if (atMicros < this.startMicros || atMicros > this.endMicros) return -1;
    return Math.min(this.count - 1, Math.floor((atMicros - this.startMicros) / this.sizeMicros));
  }

  /** The buckets a stretch [from, to) overlaps (times in whole microseconds), as [first, last]; null when none. */
  overlapping(fromMicros: Micros, toMicros: Micros): [number, number] | null {
    const from = Math.max(fromMicros, this.startMicros);
    const to = Math.min(toMicros, this.endMicros);
    if (to <= from) return null;
    return [this.indexOf(from), this.indexOf(Math.max(from, to - 1))];
  }

  zeros(): number[] {
    return new Array<number>(this.count).fill(0);
  }

  nulls(): (number | null)[] {
    return new Array<number | null>(this.count).fill(null);
  }

  /** Bucket start times in milliseconds from `originMicros`. */
  startsMs(originMicros: Micros): number[] {
    return Array.from({ length: this.count }, (_, i) => toMs(this.startMicros + i * this.sizeMicros - originMicros));
  }
}

/** Simulated microseconds as milliseconds, to the microsecond. */
export function toMs(micros: Micros): number {
  return Math.round(micros) / 1000;
}

/** The value at percentile `p` (nearest rank) of `values`, sorted in place; null when empty. */
export function percentile(values: number[] | Float64Array, p: number): number | null {
  if (values.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * values.length));
  return values[rank - 1]!;
}
