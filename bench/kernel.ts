/**
 * The kernel benchmark: events per second of sim/Simulation.ts on timer churn, against a
 * bare typed-array heap (bench/lib/BareHeap.ts) doing the same work in the same process.
 *
 * The load: `pending` timers are scheduled, and every one that fires schedules the next
 * one a small random delay later, so the queue holds `pending` events throughout, until
 * `events` have fired. The delays are drawn up front from a seeded stream into a typed
 * array, so drawing is not what is measured, and both sides consume the same delays in
 * the same order. Only the firing loop is timed; building the queue is not.
 */
import { Random } from "../sim/Random.ts";
import { Simulation } from "../sim/Simulation.ts";
import { BareHeap } from "./lib/BareHeap.ts";
import { formatRate, runRounds, spread, type BenchResult, type Benchmark } from "./lib/harness.ts";

const SEED = "bench-kernel";
const PENDING = 10_000;
const EVENTS = 2_000_000;
const MIN_DELAY = 1;
const MAX_DELAY = 1_000;
const WARMUP_ROUNDS = 2;
const ROUNDS = 11;

export interface KernelResult extends BenchResult {
  /** Median events per second of the kernel. */
  eventsPerSec: number;
  /** Median events per second of the bare heap. */
  bareEventsPerSec: number;
  /** Median of the per-round ratios kernel/bare (each round times both sides back to back). */
  ratio: number;
  eventsPerSecMin: number;
  eventsPerSecMax: number;
  bareEventsPerSecMin: number;
  bareEventsPerSecMax: number;
  ratioMin: number;
  ratioMax: number;
  rounds: number;
  warmupRounds: number;
  events: number;
  pending: number;
  delayMicros: [number, number];
  /** Simulated time when the last event fired; the same on both sides (checked). */
  endMicros: number;
  fingerprint: string;
  node: string;
}

/** `count` delays in [MIN_DELAY, MAX_DELAY] microseconds from the seeded stream. */
function drawDelays(count: number): Float64Array {
  const random = new Random(SEED).stream("delays");
  const delays = new Float64Array(count);
  for (let i = 0; i < count; i++) delays[i] = random.int(MIN_DELAY, MAX_DELAY);
  return delays;
}

interface RoundOutcome {
  ms: number;
  endMicros: number;
  fingerprint: string;
}

function kernelRound(delays: Float64Array, pending: number, events: number): RoundOutcome {
  const sim = new Simulation({ seed: SEED });
  const label = sim.label("tick");
  let cursor = 0;
  const tick = (): void => {
    sim.schedule(delays[cursor++]!, label, tick);
  };
  for (let i = 0; i < pending; i++) sim.schedule(delays[cursor++]!, label, tick);
  const start = performance.now();
  const result = sim.run({ maxEvents: events });
  const ms = performance.now() - start;
  if (result.eventsFired !== events) throw new Error(`kernel fired ${result.eventsFired} events, expected ${events}`);
  return { ms, endMicros: sim.now, fingerprint: sim.fingerprint.toString() };
}

function bareRound(delays: Float64Array, pending: number, events: number): RoundOutcome {
  const heap = new BareHeap(pending + 1);
  let cursor = 0;
  for (let i = 0; i < pending; i++) heap.push(delays[cursor++]!);
  const start = performance.now();
  let now = 0;
  for (let fired = 0; fired < events; fired++) {
    now = heap.pop();
    heap.push(now + delays[cursor++]!);
  }
  const ms = performance.now() - start;
  return { ms, endMicros: now, fingerprint: "" };
}

export const benchmark: Benchmark<KernelResult> = {
  name: "kernel",
  description: `events/s of sim/Simulation.ts on timer churn (${PENDING} pending), against a bare typed-array heap`,

  run(options) {
    const events = options.events ?? (options.quick ? EVENTS / 4 : EVENTS);
    const rounds = options.rounds ?? (options.quick ? 3 : ROUNDS);
    const pending = PENDING;
    const delays = drawDelays(pending + events);

    let endMicros = -1;
    let fingerprint = "";
    const check = (side: string, outcome: RoundOutcome): number => {
      // Both sides must fire the same events in the same order: same end time, every round;
      // and the kernel must give the same fingerprint every round.
      if (endMicros === -1) endMicros = outcome.endMicros;
      if (outcome.endMicros !== endMicros) {
        throw new Error(`${side} ended at ${outcome.endMicros}us, another round at ${endMicros}us: not the same work`);
      }
      if (outcome.fingerprint !== "") {
        if (fingerprint === "") fingerprint = outcome.fingerprint;
        if (outcome.fingerprint !== fingerprint) throw new Error(`kernel fingerprint changed between rounds`);
      }
      return outcome.ms;
    };

    const times = runRounds(
      [
        { name: "kernel", run: () => check("kernel", kernelRound(delays, pending, events)) },
        { name: "bare", run: () => check("bare", bareRound(delays, pending, events)) },
      ],
      { warmupRounds: WARMUP_ROUNDS, rounds, log: options.log },
    );

    const kernelMs = times.get("kernel")!;
    const bareMs = times.get("bare")!;
    const kernelRate = spread(kernelMs.map((ms) => (events / ms) * 1000));
    const bareRate = spread(bareMs.map((ms) => (events / ms) * 1000));
    // Round i timed both sides back to back, so its ratio is the least disturbed by drift.
    const ratio = spread(kernelMs.map((ms, i) => bareMs[i]! / ms));
    const round3 = (x: number): number => Math.round(x * 1000) / 1000;

    return {
      eventsPerSec: Math.round(kernelRate.median),
      bareEventsPerSec: Math.round(bareRate.median),
      ratio: round3(ratio.median),
      eventsPerSecMin: Math.round(kernelRate.min),
      eventsPerSecMax: Math.round(kernelRate.max),
      bareEventsPerSecMin: Math.round(bareRate.min),
      bareEventsPerSecMax: Math.round(bareRate.max),
      ratioMin: round3(ratio.min),
      ratioMax: round3(ratio.max),
      rounds,
      warmupRounds: WARMUP_ROUNDS,
      events,
      pending,
      delayMicros: [MIN_DELAY, MAX_DELAY],
      endMicros,
      fingerprint,
      node: process.version,
    };
  },

  format(r) {
    return [
      `kernel  timer churn: ${r.pending} pending, ${r.events} events per round, delays ${r.delayMicros[0]}-${r.delayMicros[1]}us`,
      `  kernel  ${formatRate(r.eventsPerSec)} events/s  (min ${formatRate(r.eventsPerSecMin)}, max ${formatRate(r.eventsPerSecMax)})`,
      `  bare    ${formatRate(r.bareEventsPerSec)} events/s  (min ${formatRate(r.bareEventsPerSecMin)}, max ${formatRate(r.bareEventsPerSecMax)})`,
      `  ratio   ${r.ratio.toFixed(3)} kernel/bare  (min ${r.ratioMin.toFixed(3)}, max ${r.ratioMax.toFixed(3)})`,
      `  median of ${r.rounds} alternating rounds after ${r.warmupRounds} warm-up; node ${r.node}`,
    ];
  },
};
