import type { TraceSink } from "../../sim/index.ts";
import type { LatencySummaryMs } from "../report/LatencyHistogram.ts";
import { INVARIANTS, meets, resolveScenario, type ExpectMetric, type Scenario } from "../scenario/index.ts";
import type { Violation } from "../check/Violation.ts";
import { World } from "../world/World.ts";

export interface ExpectationOutcome {
  /** The metric or invariant the expectation is about (lost-write, redelivered, ...). */
  readonly name: ExpectMetric;
  readonly text: string;
  readonly actual: number;
  readonly ok: boolean;
}

/** One run's summary: what `ksim run --json` prints (one object per scenario). */
export interface RunSummary {
  readonly scenario: string;
  readonly file: string;
  readonly profile: string;
  readonly seed: string;
  readonly fingerprint: string;
  /** The verdict: every expectation met (or, with none stated, no acknowledged record lost). */
  readonly ok: boolean;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly lostAcked: number;
  readonly duplicated: number;
  /** Acknowledged records per simulated second of the load phase. */
  readonly throughput: number;
  readonly produceLatencyMs: LatencySummaryMs;
  /**
   * Partition-milliseconds of the load phase during which producers could not write to a
   * partition (no live leader, a leader they could not reach, or acks=all refused with
   * NOT_ENOUGH_REPLICAS), summed over partitions; and the longest single window.
   */
  readonly unavailableMs: number;
  readonly longestUnavailableMs: number;
  /** Records the scenario's simple consumers received, and their send-to-delivery latency. */
  readonly consumed: number;
  /** Consumer groups: records processed, acknowledged ones never processed, values processed twice or more. */
  readonly processed: number;
  readonly unprocessed: number;
  readonly redelivered: number;
  readonly rebalances: number;
  readonly commitFailed: number;
  readonly rebalanceMs: LatencySummaryMs;
  /** The largest consumer lag seen per group (records: end offset minus committed, over its partitions). */
  readonly maxLag: Readonly<Record<string, number>>;
  /** From send to processing (groups) or to delivery (simple consumers). */
  readonly endToEndLatencyMs: LatencySummaryMs;
  readonly errors: Readonly<Record<string, number>>;
  readonly expectations: readonly ExpectationOutcome[];
  /** "expectations" when the file states some, else "no violation". */
  readonly verdictBasis: "expectations" | "no violation";
  /** Everything the checkers found, expected or not. */
  readonly violations: readonly Violation[];
  readonly lostExamples: readonly { valueId: number; topic: string; partition: number; offset: number }[];
  readonly bootstrapped: boolean;
  readonly simulatedSeconds: number;
  readonly events: number;
}

/**
 * The World a run of a scenario file with a seed plays (runScenario's, and replay --until's,
 * which stops it part-way): the same seed gives the same world.
 */
export function openWorld(file: Scenario, seed: string, trace?: TraceSink): World {
  // Settings written as choices and the swarm's faults are drawn from the seed, so run, fuzz and replay of a seed agree.
  const scenario = resolveScenario(file, seed);
  return new World(scenario, seed, trace);
}

/** Runs a scenario with a seed and judges it. Deterministic: the same inputs give the same summary. */
export function runScenario(
  file: Scenario,
  seed: string,
  trace?: TraceSink,
  afterRun?: (world: World, phases: ReturnType<World["run"]>) => void,
  /** Watchers that read the World as it runs (a report's lag samples) get it here. */
  beforeRun?: (world: World) => void,
): RunSummary {
  const world = openWorld(file, seed, trace);
  beforeRun?.(world);
  const scenario = world.scenario;
  const phases = world.run();
  afterRun?.(world, phases);
  const ledger = world.ledger;
  const groups = world.groups;
  const hasGroups = scenario.consumers.some((c) => c.group !== null);
  // Acknowledged records no group member ever processed (none counted without groups).
  const endOfRun = world.ledgerEndOfRun(hasGroups ? (id) => groups.wasProcessed(id) : undefined);
  const losses = endOfRun.losses;
  world.finishChecks(endOfRun);
  const violations = world.violations;
  const counts: Record<ExpectMetric, number> = {
    "lost-acked": losses.lostAcked,
    sent: ledger.sent,
    acked: ledger.acked,
    failed: ledger.failed,
    processed: groups.processed,
    unprocessed: endOfRun.notSeen,
    redelivered: groups.redelivered,
    rebalances: groups.rebalances,
    "commit-failed": groups.commitFailed,
    ...(Object.fromEntries(INVARIANTS.map((name) => [name, violations.count(name)])) as Record<(typeof INVARIANTS)[number], number>),
  };
  const expectations = scenario.expect.conditions.map((e) => ({ name: e.metric, text: `${e.metric} ${e.text}`, actual: counts[e.metric], ok: meets(e, counts[e.metric]) }));
  const loadSeconds = scenario.durationMicros / 1_000_000;
  const unavailability = world.unavailability.report();
  return {
    scenario: scenario.name,
    file: scenario.file,
    profile: scenario.profile,
    seed,
    fingerprint: world.sim.fingerprint.toString(),
    // The verdict: the expectations where the file states some, else "no violation".
    ok: phases.bootstrapped && expectations.every((e) => e.ok) && (scenario.expect.stated || violations.list().length === 0),
    violations: violations.list(),
    verdictBasis: scenario.expect.stated ? "expectations" : "no violation",
    sent: ledger.sent,
    acked: ledger.acked,
    failed: ledger.failed,
    lostAcked: losses.lostAcked,
    duplicated: losses.duplicated,
    throughput: Math.round((ledger.acked / loadSeconds) * 10) / 10,
    produceLatencyMs: ledger.latency.summaryMs(),
    unavailableMs: unavailability.unavailableMs,
    longestUnavailableMs: unavailability.longestUnavailableMs,
    consumed: world.consumed.consumed,
    processed: counts.processed,
    unprocessed: counts.unprocessed,
    redelivered: counts.redelivered,
    rebalances: counts.rebalances,
    commitFailed: counts["commit-failed"],
    rebalanceMs: groups.rebalanceDuration.summaryMs(),
    maxLag: Object.fromEntries([...world.maxLag].sort()),
    endToEndLatencyMs: (hasGroups ? groups.endToEnd : world.consumed.endToEnd).summaryMs(),
    errors: Object.fromEntries([...ledger.errors].sort()),
    expectations,
    lostExamples: losses.examples,
    bootstrapped: phases.bootstrapped,
    simulatedSeconds: world.sim.now / 1_000_000,
    events: world.sim.eventsFired,
  };
}
