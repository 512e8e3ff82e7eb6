import type { Micros } from "../../sim/index.ts";
import type { History } from "../check/history/index.ts";
import type { Violation } from "../check/Violation.ts";
import { consumerNodeNames, describeFault, type Scenario } from "../scenario/index.ts";
import { Buckets, chooseBucketMicros, toMs } from "./Buckets.ts";
import { ClientMetrics, type ProcessedRecord, type ProducerInfo } from "./ClientMetrics.ts";
import { clusterSeries, type UnavailableWindowLike } from "./clusterSeries.ts";
import type { LatencySummaryMs } from "./LatencyHistogram.ts";
import { BYTES_PER_MB, perfTestLine } from "./perfTestLine.ts";
import { REPORT_VERSION, type Report, type ReportTimeline } from "./ReportSchema.ts";
import type { TimelineRecorder } from "./TimelineRecorder.ts";

/** The judged run (the fields of the CLI's RunSummary a report uses). */
export interface RunOutcome {
  readonly seed: string;
  readonly fingerprint: string;
  readonly ok: boolean;
  readonly verdictBasis: "expectations" | "no violation";
  readonly bootstrapped: boolean;
  readonly expectations: readonly { readonly text: string; readonly actual: number; readonly ok: boolean }[];
  readonly violations: readonly Violation[];
  readonly lostAcked: number;
  readonly duplicated: number;
  readonly processed: number;
  readonly redelivered: number;
  readonly unprocessed: number;
  readonly rebalances: number;
  readonly commitFailed: number;
  readonly rebalanceMs: LatencySummaryMs;
  readonly unavailableMs: number;
  readonly longestUnavailableMs: number;
  readonly maxLag: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly events: number;
}

export interface ReportInput {
  /** The scenario as the seed ran it (choices drawn, swarm faults added). */
  readonly scenario: Scenario;
  readonly outcome: RunOutcome;
  readonly phases: { readonly loadStartMicros: Micros; readonly loadEndMicros: Micros; readonly endMicros: Micros };
  readonly history: History;
  /** Group members' processed records, in order (the GroupLedger's stream). */
  readonly processed: Iterable<ProcessedRecord>;
  readonly timeline: TimelineRecorder;
  readonly unavailableWindows: readonly UnavailableWindowLike[];
  /** The command that replays the run. */
  readonly replay: string;
}

/** Everything a run's report says, as report.json holds it. */
export function buildReport(input: ReportInput): Report {
  const { scenario, outcome, phases } = input;
  const origin = phases.loadStartMicros;
  const buckets = new Buckets(origin, phases.endMicros, chooseBucketMicros(phases.endMicros - origin));
  const hasGroups = scenario.consumers.some((c) => c.group !== null);
  const simpleConsumers = new Set(scenario.consumers.filter((c) => c.group === null).flatMap((c) => consumerNodeNames(c)));
  const clients = new ClientMetrics({ history: input.history, producers: producerInfos(scenario), processed: hasGroups ? input.processed : null, simpleConsumers, buckets });
  const replicas = new Map(scenario.topics.map((t) => [t.name, t.replicationFactor]));
  const replicasOf = (key: string) => replicas.get(key.slice(0, key.lastIndexOf("-"))) ?? 1;
  const cluster = clusterSeries(input.timeline, replicasOf, input.unavailableWindows, phases.loadEndMicros, buckets);
  const loadSeconds = scenario.durationMicros / 1_000_000;
  const latencyMs = clients.produceLatency.summaryMs();
  const recordsPerSec = round(clients.produceLatency.count / loadSeconds, 1);
  const mbPerSec = round(clients.ackedBytes / BYTES_PER_MB / loadSeconds, 3);
  const rel = (micros: Micros) => toMs(micros - origin);
  return {
    kind: "ksim-report",
    version: REPORT_VERSION,
    scenario: { name: scenario.name, file: scenario.file, profile: scenario.profile, description: scenario.description },
    seed: outcome.seed,
    fingerprint: outcome.fingerprint,
    verdict: { ok: outcome.ok, basis: outcome.verdictBasis, bootstrapped: outcome.bootstrapped, expectations: outcome.expectations.map((e) => ({ text: e.text, actual: e.actual, ok: e.ok })) },
    violations: outcome.violations.map((v) => ({
      invariant: v.invariant,
      count: v.count,
      examples: v.examples.map((e) => ({
        atMs: rel(e.atMicros),
        detail: e.detail,
        ...(e.topic === undefined ? {} : { topic: e.topic }),
        ...(e.partition === undefined ? {} : { partition: e.partition }),
        ...(e.offset === undefined ? {} : { offset: e.offset }),
        ...(e.valueId === undefined ? {} : { valueId: e.valueId }),
      })),
    })),
    run: { bootstrapMs: toMs(origin), loadMs: toMs(scenario.durationMicros), endMs: rel(phases.endMicros), events: outcome.events, replay: input.replay },
    metrics: {
      sent: sum([...clients.producers.values()].map((p) => p.sent)),
      acked: clients.produceLatency.count,
      failed: sum([...clients.producers.values()].map((p) => p.failed)),
      lostAcked: outcome.lostAcked,
      duplicated: outcome.duplicated,
      consumed: sum(clients.consumed),
      processed: outcome.processed,
      redelivered: outcome.redelivered,
      unprocessed: outcome.unprocessed,
      rebalances: outcome.rebalances,
      commitFailed: outcome.commitFailed,
      recordsPerSec,
      mbPerSec,
      perfTest: perfTestLine({ recordsPerSec, mbPerSec, latencyMs }),
      produceLatencyMs: latencyMs,
      produceLatencyByProducer: [...clients.producers.values()].map((p) => ({ producer: p.producer, topic: p.info.topic, acks: p.info.acks, sent: p.sent, acked: p.acked, failed: p.failed, latencyMs: p.latency.summaryMs() })),
      produceLatencyByAcks: clients.byAcks().map((a) => ({ acks: a.acks, latencyMs: a.latency.summaryMs() })),
      endToEndLatencyMs: clients.endToEnd.summaryMs(),
      rebalanceMs: outcome.rebalanceMs,
      unavailableMs: outcome.unavailableMs,
      longestUnavailableMs: outcome.longestUnavailableMs,
      unavailableWindows: input.unavailableWindows.map((w) => ({ topic: w.topic, partition: w.partition, fromMs: rel(w.fromMicros), toMs: rel(w.toMicros ?? phases.loadEndMicros), reason: w.reason })),
      maxLag: { ...outcome.maxLag },
      errors: { ...outcome.errors },
    },
    series: {
      bucketMs: toMs(buckets.sizeMicros),
      startMs: buckets.startsMs(origin),
      sent: clients.sent,
      acked: clients.acked,
      failed: clients.failed,
      consumed: clients.consumed,
      produceLatencyMs: clients.produceLatencyMs,
      endToEndLatencyMs: clients.endToEndLatencyMs,
      ...cluster,
    },
    timeline: timelineOf(input, origin),
  };
}

/** Producer nodes as the World names them, with their topic, acks and record size. */
function producerInfos(scenario: Scenario): Map<string, ProducerInfo> {
  const out = new Map<string, ProducerInfo>();
  for (const spec of scenario.producers) {
    const acks = spec.config.get("acks");
    const info = { topic: spec.topic, acks: acks === -1 ? "all" : String(acks), messageSizeBytes: spec.messageSizeBytes };
    for (let i = 0; i < spec.count; i++) out.set(spec.count === 1 ? spec.name : `${spec.name}-${i + 1}`, info);
  }
  return out;
}

function timelineOf(input: ReportInput, origin: Micros): ReportTimeline {
  const { scenario, timeline, phases } = input;
  const end = phases.endMicros;
  const rel = (micros: Micros) => toMs(micros - origin);
  const span = (s: { fromMicros: Micros; toMicros: Micros }) => ({ fromMs: rel(s.fromMicros), toMs: rel(s.toMicros) });
  const roleOf = (node: string) => (scenario.cluster.brokerNodes.includes(node) ? "broker" : scenario.cluster.ensembleNodes.includes(node) ? "ensemble" : "client");
  const nodes = [...timeline.nodes]
    .map(([node, lane]) => ({
      node,
      role: roleOf(node) as "broker" | "ensemble" | "client",
      spans: lane.clipped(origin, end).map((s) => ({ ...span(s), state: s.value.state, detail: s.value.detail })),
      marks: [...(timeline.marks.get(node) ?? [])].flatMap(([mark, markLane]) => markLane.clipped(origin, end).map((s) => ({ ...span(s), mark, detail: s.value }))),
    }))
    // Clients get a lane only when something happened to them (crashed, paused, cut off).
    .filter((n) => n.role !== "client" || n.spans.some((s) => s.state !== "up") || n.marks.length > 0)
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || compareNames(a.node, b.node));
  const replicas = new Map(scenario.topics.map((t) => [t.name, t.replicationFactor]));
  const partitions = [...timeline.partitions]
    .map(([key, lane]) => {
      const dash = key.lastIndexOf("-");
      const topic = key.slice(0, dash);
      return { topic, partition: Number(key.slice(dash + 1)), replicas: replicas.get(topic) ?? 1, spans: lane.clipped(origin, end).map((s) => ({ ...span(s), leader: s.value.leader, epoch: s.value.epoch, isr: [...s.value.isr], unclean: s.value.unclean })) };
    })
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  const groups = [...timeline.groups].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([group, lane]) => ({ group, spans: lane.clipped(origin, end).map((s) => ({ ...span(s), ...s.value })) }));
  return {
    faults: scenario.faults.map((f) => ({ atMs: toMs(f.at), untilMs: f.forMicros === null ? null : toMs(f.at + f.forMicros), text: describeFault(f) })),
    healedAtMs: rel(phases.loadEndMicros),
    nodes,
    partitions,
    groups,
    ensembleLeader: timeline.ensembleLeader.clipped(origin, end).map((s) => ({ ...span(s), ...s.value })),
    controller: timeline.controller.clipped(origin, end).map((s) => ({ ...span(s), broker: s.value.leader, epoch: s.value.epoch })),
  };
}

const ROLE_ORDER = ["broker", "ensemble", "client"];

/** `broker-2` before `broker-10`. */
function compareNames(a: string, b: string): number {
  const key = (s: string) => s.replace(/\d+/g, (d) => d.padStart(8, "0"));
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
