import { formatDuration } from "../../../sim/index.ts";
import type { Scenario } from "../../scenario/index.ts";

/** What shrinking makes smaller, counted from a loaded scenario (clients and partitions summed over entries). */
export interface ScenarioSize {
  readonly faults: number;
  readonly durationMicros: number;
  readonly settleMicros: number;
  readonly brokers: number;
  readonly ensemble: number;
  readonly topics: number;
  readonly partitions: number;
  readonly producers: number;
  readonly consumers: number;
  /** Records per second over every producer client. */
  readonly ratePerSec: number;
}

export function sizeOf(scenario: Scenario): ScenarioSize {
  return {
    faults: scenario.faults.length,
    durationMicros: scenario.durationMicros,
    settleMicros: scenario.settleMicros,
    brokers: scenario.cluster.brokers,
    ensemble: scenario.cluster.ensemble,
    topics: scenario.topics.length,
    partitions: scenario.topics.reduce((sum, t) => sum + t.partitions, 0),
    producers: scenario.producers.reduce((sum, p) => sum + p.count, 0),
    consumers: scenario.consumers.reduce((sum, c) => sum + c.count, 0),
    ratePerSec: scenario.producers.reduce((sum, p) => sum + p.count * p.ratePerSec, 0),
  };
}

const LABELS: Readonly<Record<keyof ScenarioSize, string>> = {
  faults: "faults",
  durationMicros: "duration",
  settleMicros: "settle",
  brokers: "brokers",
  ensemble: "ensemble",
  topics: "topics",
  partitions: "partitions",
  producers: "producers",
  consumers: "consumers",
  ratePerSec: "records/s",
};

/** `faults 4 -> 1`, one entry per figure that changed, in a fixed order. */
export function sizeChanges(before: ScenarioSize, after: ScenarioSize): string[] {
  return (Object.keys(LABELS) as (keyof ScenarioSize)[])
    .filter((key) => before[key] !== after[key])
    .map((key) => `${LABELS[key]} ${show(key, before[key])} -> ${show(key, after[key])}`);
}

function show(key: keyof ScenarioSize, value: number): string {
  return key === "durationMicros" || key === "settleMicros" ? formatDuration(value) : String(value);
}
