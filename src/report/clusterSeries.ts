import type { Micros } from "../../sim/index.ts";
import type { Buckets } from "./Buckets.ts";
import type { TimelineRecorder } from "./TimelineRecorder.ts";

/** A stretch of time a partition could not be written (the World's unavailability tracker's windows). */
export interface UnavailableWindowLike {
  readonly topic: string;
  readonly partition: number;
  readonly fromMicros: Micros;
  readonly toMicros: Micros | null;
  readonly reason: "no-leader" | "leader-unreachable" | "not-enough-replicas";
}

export interface ClusterSeries {
  readonly minIsrSize: (number | null)[];
  readonly underReplicated: number[];
  readonly unavailablePartitions: number[];
  readonly rebalances: number[];
  readonly lag: Record<string, (number | null)[]>;
}

/**
 * The cluster's side of the time series, from the timeline and the unavailability windows:
 * the smallest ISR in each bucket, how many partitions were under-replicated or could not be
 * written at some time in it, the generations that began in it, and each group's largest lag.
 */
export function clusterSeries(timeline: TimelineRecorder, replicasOf: (partitionKey: string) => number, windows: readonly UnavailableWindowLike[], loadEndMicros: Micros, b: Buckets): ClusterSeries {
  const minIsrSize = b.nulls();
  const underReplicated = b.zeros();
  for (const [key, lane] of timeline.partitions) {
    const under = new Set<number>();
    for (const s of lane.stretches) {
      const range = b.overlapping(s.fromMicros, s.toMicros);
      if (range === null) continue;
      for (let i = range[0]; i <= range[1]; i++) {
        minIsrSize[i] = Math.min(minIsrSize[i] ?? Infinity, s.value.isr.length);
        if (s.value.isr.length < replicasOf(key)) under.add(i);
      }
    }
    for (const i of under) underReplicated[i]!++;
  }
  const unavailable = b.zeros();
  const byPartition = new Map<string, Set<number>>();
  for (const w of windows) {
    const range = b.overlapping(w.fromMicros, w.toMicros ?? loadEndMicros);
    if (range === null) continue;
    const key = `${w.topic}-${w.partition}`;
    let seen = byPartition.get(key);
    if (!seen) byPartition.set(key, (seen = new Set()));
    for (let i = range[0]; i <= range[1]; i++) seen.add(i);
  }
  for (const seen of byPartition.values()) for (const i of seen) unavailable[i]!++;
  const rebalances = b.zeros();
  for (const at of timeline.generationsAt) {
    const i = b.indexOf(at);
    if (i >= 0) rebalances[i]!++;
  }
  const lag: Record<string, (number | null)[]> = {};
  for (const [group, samples] of [...timeline.lagSamples].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const series = b.nulls();
    samples.atMicros.forEach((at, k) => {
      const i = b.indexOf(at);
      if (i >= 0) series[i] = Math.max(series[i] ?? 0, samples.lag[k]!);
    });
    lag[group] = series;
  }
  return { minIsrSize, underReplicated, unavailablePartitions: unavailable, rebalances, lag };
}
