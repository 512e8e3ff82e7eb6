import { InvalidScenario, loadScenarioFile, type Scenario } from "../../scenario/index.ts";
import { openWorld } from "../runScenario.ts";
import { UsageError } from "../UsageError.ts";
import type { Micros } from "../../../sim/index.ts";

/** What one calibration scenario gave. */
export interface ThroughputMeasure {
  readonly file: string;
  readonly scenario: string;
  /** Records acknowledged in the measured window of the load phase, per simulated second of it. */
  readonly recordsPerSec: number;
  /** The same in megabytes (10^6 bytes) of record values per second, as the benchmarks count. */
  readonly valueMegabytesPerSec: number;
  readonly fingerprint: string;
}

/**
 * Runs a scenario's load phase only and counts the records acknowledged from `warmupMicros`
 * to its end. A closed-loop producer (`rate: max`) still holds up to buffer.memory of
 * records when the load stops; counting those (acknowledged in the settle phase) would
 * inflate a short run's rate, and the start-up (metadata, the followers' first fetches) would
 * deflate it.
 */
export function measureThroughput(file: string, seed: string, warmupMicros: Micros): ThroughputMeasure {
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) throw new InvalidScenario(loaded.errors);
  return measureScenario(loaded.scenario, seed, warmupMicros);
}

export function measureScenario(scenario: Scenario, seed: string, warmupMicros: Micros): ThroughputMeasure {
  if (warmupMicros >= scenario.durationMicros) {
    throw new UsageError(`${scenario.file}: the load phase (duration) must be longer than the warm-up of ${warmupMicros / 1000} ms`);
  }
  if (scenario.faults.length > 0) throw new UsageError(`${scenario.file}: a calibration scenario has no faults`);
  const world = openWorld(scenario, seed);
  const phases = world.run({ stopAtMicros: warmupMicros });
  if (!phases.bootstrapped) throw new UsageError(`${scenario.file}: the cluster did not elect its partitions' leaders`);
  const ackedBefore = world.ledger.acked;
  // The rest of the load phase (no faults to schedule, so the kernel's own loop will do).
  world.sim.run({ untilMicros: phases.loadStartMicros + scenario.durationMicros });
  const seconds = (scenario.durationMicros - warmupMicros) / 1_000_000;
  const recordsPerSec = (world.ledger.acked - ackedBefore) / seconds;
  const valueBytes = scenario.producers.reduce((sum, p) => sum + p.messageSizeBytes, 0) / Math.max(1, scenario.producers.length);
  return {
    file: scenario.file,
    scenario: scenario.name,
    recordsPerSec: Math.round(recordsPerSec),
    valueMegabytesPerSec: Math.round((recordsPerSec * valueBytes) / 1e4) / 100,
    fingerprint: world.sim.fingerprint.toString(),
  };
}
