import { runScenario, type RunSummary } from "../../src/cli/runScenario.ts";
import { RunReporter } from "../../src/cli/report/RunReporter.ts";
import type { Report } from "../../src/report/ReportSchema.ts";
import { parseScenario, resolveScenario, type Scenario } from "../../src/scenario/index.ts";

/**
 * A small story for the report tests: the leader of t/0 crashes 2 s into an 8 s load and comes
 * back 5 s later (its session expires after 3 s), while a group of two reads the topic; acks=all with two producers (one
 * acks=1, one request in flight: without idempotence more would let retries reorder its records, a
 * nonmonotonic-send), so the report has a failover, an ISR that shrinks and grows back, rebalances and lag.
 */
export const CRASH_STORY = `
name: report-story
description: The leader of t/0 crashes and comes back while a group reads.
duration: 8s
settle: 20s
cluster: { brokers: 3, ensemble: 1, config: { min.insync.replicas: 2, zookeeper.session.timeout.ms: 3000, group.initial.rebalance.delay.ms: 0 } }
topics: [{ name: t, partitions: 2, replication.factor: 3 }]
producers:
  - { name: safe, topic: t, rate: 200, message.size: 200, config: { acks: all } }
  - { name: fast, topic: t, rate: 100, config: { acks: 1, max.in.flight.requests.per.connection: 1 } }
consumers: [{ name: app, topic: t, count: 2, processing: 1ms, config: { group.id: g, auto.offset.reset: earliest } }]
faults:
  - { at: 2s, crash: leader(t/0), for: 5s }
`;

export function scenario(text: string): Scenario {
  const result = parseScenario(text, "report-story.yaml");
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return resolveScenario(result.scenario, "1");
}

export interface ReportedRun {
  readonly summary: RunSummary;
  readonly report: Report;
}

/** Runs a scenario with a report collected, as `ksim run --out` does. */
export function reportedRun(text = CRASH_STORY, seed = "1"): ReportedRun {
  const s = scenario(text);
  const reporter = new RunReporter(s);
  const summary = runScenario(s, seed, reporter.trace, reporter.afterRun, reporter.beforeRun);
  return { summary, report: reporter.report(summary) };
}
