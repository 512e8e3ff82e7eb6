import { z } from "zod";

/**
 * report.json, version 1: what one run of a scenario with a seed did, for people (report.md,
 * report.html) and for tools. Times are milliseconds of simulated time counted from the start
 * of the load phase (where the scenario's fault times count from); the bootstrap before it is
 * summed up in `run.bootstrapMs`. Fields are only ever added within a version; a change of
 * meaning gets a new version.
 */
export const REPORT_VERSION = 1;

const count = z.number().int().nonnegative();
const ms = z.number();

/** A latency distribution (HdrHistogram, 3 significant digits), in milliseconds. */
export const LatencySchema = z.strictObject({
  count,
  mean: z.number().nonnegative(),
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  p999: z.number().nonnegative(),
  max: z.number().nonnegative(),
});

const ViolationSchema = z.strictObject({
  invariant: z.string(),
  count,
  examples: z.array(
    z.strictObject({
      atMs: ms,
      detail: z.string(),
      topic: z.string().optional(),
      partition: z.number().int().optional(),
      offset: z.number().int().optional(),
      valueId: z.number().int().optional(),
    }),
  ),
});

const MetricsSchema = z.strictObject({
  sent: count,
  acked: count,
  failed: count,
  lostAcked: count,
  duplicated: count,
  /** Records polled by consumers (all of them, group members too). */
  consumed: count,
  processed: count,
  redelivered: count,
  unprocessed: count,
  rebalances: count,
  commitFailed: count,
  /** Acknowledged records (and their bytes) per simulated second of the load phase. */
  recordsPerSec: z.number().nonnegative(),
  mbPerSec: z.number().nonnegative(),
  /** The summary line of kafka-producer-perf-test, from the acknowledged records. */
  perfTest: z.string(),
  produceLatencyMs: LatencySchema,
  /** Per producer instance (node), with its topic and acks setting (`all`, `1`, `0`). */
  produceLatencyByProducer: z.array(z.strictObject({ producer: z.string(), topic: z.string(), acks: z.string(), sent: count, acked: count, failed: count, latencyMs: LatencySchema })),
  produceLatencyByAcks: z.array(z.strictObject({ acks: z.string(), latencyMs: LatencySchema })),
  /** From send to processing (groups) or to delivery (simple consumers). */
  endToEndLatencyMs: LatencySchema,
  rebalanceMs: LatencySchema,
  /** Partition-milliseconds of the load phase producers could not write, and the longest window. */
  unavailableMs: z.number().nonnegative(),
  longestUnavailableMs: z.number().nonnegative(),
  unavailableWindows: z.array(
    z.strictObject({ topic: z.string(), partition: z.number().int(), fromMs: ms, toMs: ms, reason: z.enum(["no-leader", "leader-unreachable", "not-enough-replicas"]) }),
  ),
  maxLag: z.record(z.string(), count),
  errors: z.record(z.string(), count),
});

const nullableSeries = z.array(z.number().nullable());
const countSeries = z.array(count);

/** Values per bucket of `bucketMs`; bucket i starts at `startMs[i]`. Null: nothing to measure in that bucket. */
const SeriesSchema = z
  .strictObject({
    bucketMs: z.number().positive(),
    startMs: z.array(ms),
    sent: countSeries,
    acked: countSeries,
    failed: countSeries,
    consumed: countSeries,
    /** Produce latency of the records acknowledged in the bucket. */
    produceLatencyMs: z.strictObject({ p50: nullableSeries, p99: nullableSeries, max: nullableSeries }),
    endToEndLatencyMs: z.strictObject({ p50: nullableSeries, p99: nullableSeries, max: nullableSeries }),
    /** The largest lag sampled in the bucket, per group (records; sampled every 100 ms). */
    lag: z.record(z.string(), nullableSeries),
    /** The smallest ISR of any partition during the bucket. */
    minIsrSize: nullableSeries,
    /** Partitions whose ISR was smaller than their replicas at some time in the bucket. */
    underReplicated: countSeries,
    /** Partitions producers could not write at some time in the bucket (load phase). */
    unavailablePartitions: countSeries,
    /** Group generations that began in the bucket. */
    rebalances: countSeries,
  })
  .refine((s) => {
    const n = s.startMs.length;
    const all = [s.sent, s.acked, s.failed, s.consumed, s.minIsrSize, s.underReplicated, s.unavailablePartitions, s.rebalances, ...Object.values(s.produceLatencyMs), ...Object.values(s.endToEndLatencyMs), ...Object.values(s.lag)];
    return all.every((a) => a.length === n);
  }, "every series has one value per bucket");

const span = { fromMs: ms, toMs: ms };

export const NODE_STATES = ["up", "down", "paused", "off"] as const;
export const NODE_MARKS = ["isolated", "partitioned", "one-way", "clogged", "lossy", "slow-disk", "full-disk"] as const;

const TimelineSchema = z.strictObject({
  /** The scenario's fault schedule: when each fault fires and, with `for:`, when it is undone. */
  faults: z.array(z.strictObject({ atMs: ms, untilMs: ms.nullable(), text: z.string() })),
  /** When the load stopped and every fault was healed (the liveness phase begins). */
  healedAtMs: ms,
  nodes: z.array(
    z.strictObject({
      node: z.string(),
      role: z.enum(["broker", "ensemble", "client"]),
      spans: z.array(z.strictObject({ ...span, state: z.enum(NODE_STATES), detail: z.string() })),
      /** Network and disk conditions on the node (cut off, clogged or lossy links, slow or full disk). */
      marks: z.array(z.strictObject({ ...span, mark: z.enum(NODE_MARKS), detail: z.string() })),
    }),
  ),
  partitions: z.array(
    z.strictObject({
      topic: z.string(),
      partition: z.number().int(),
      replicas: z.number().int().positive(),
      /** Leader null: offline (no leader elected). */
      spans: z.array(z.strictObject({ ...span, leader: z.number().int().nullable(), epoch: z.number().int(), isr: z.array(z.number().int()), unclean: z.boolean() })),
    }),
  ),
  groups: z.array(
    z.strictObject({
      group: z.string(),
      spans: z.array(z.strictObject({ ...span, state: z.enum(["rebalancing", "stable", "empty"]), generation: z.number().int(), members: count })),
    }),
  ),
  ensembleLeader: z.array(z.strictObject({ ...span, leader: z.string().nullable(), epoch: z.number().int().nullable() })),
  controller: z.array(z.strictObject({ ...span, broker: z.string().nullable(), epoch: z.number().int().nullable() })),
});

export const ReportSchema = z.strictObject({
  kind: z.literal("ksim-report"),
  version: z.literal(REPORT_VERSION),
  scenario: z.strictObject({ name: z.string(), file: z.string(), profile: z.string(), description: z.string() }),
  seed: z.string(),
  fingerprint: z.string(),
  verdict: z.strictObject({
    ok: z.boolean(),
    /** "expectations" when the file states some, else "no violation". */
    basis: z.enum(["expectations", "no violation"]),
    bootstrapped: z.boolean(),
    expectations: z.array(z.strictObject({ text: z.string(), actual: z.number(), ok: z.boolean() })),
  }),
  violations: z.array(ViolationSchema),
  run: z.strictObject({ bootstrapMs: ms, loadMs: ms, endMs: ms, events: count, replay: z.string() }),
  metrics: MetricsSchema,
  series: SeriesSchema,
  timeline: TimelineSchema,
});

export type Report = z.infer<typeof ReportSchema>;
export type LatencyMs = z.infer<typeof LatencySchema>;
export type ReportSeries = Report["series"];
export type ReportTimeline = Report["timeline"];
export type NodeState = (typeof NODE_STATES)[number];
export type NodeMark = (typeof NODE_MARKS)[number];
