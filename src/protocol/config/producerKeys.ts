import { define, era } from "./define.ts";
import { profileAtLeast } from "./profiles.ts";
import type { ConfigRule, RuleContext } from "./rules.ts";
import { INT_MAX, acksKind, booleanKind, enumKind, intKind, longKind } from "./values.ts";

/**
 * Producer configuration (ProducerConfig), by Kafka's names, with the defaults of each
 * profile, and the checks KafkaProducer makes when it starts.
 *
 * `partitioner.class` is Kafka's key, but ksim models the two behaviours of Kafka's
 * default partitioner rather than plugin classes: keyed records always go to
 * murmur2(key) mod partitions; keyless records are spread `round-robin` (Kafka before 2.4)
 * or `sticky` (one partition per batch, KIP-480, Kafka 2.4 onwards).
 */
export const PARTITIONERS = ["sticky", "round-robin"] as const;
export type PartitionerChoice = (typeof PARTITIONERS)[number];

export const PRODUCER_KEYS = {
  acks: define(acksKind(), {
    doc: "Acknowledgement the producer waits for: 0 none, 1 the leader's append, all every in-sync replica (with min.insync.replicas).",
    default: era({ "0.10": 1 as const, "3.x": -1 as const }),
  }),
  "enable.idempotence": define(booleanKind(), {
    doc: "A producer id and per-partition sequence numbers, so a retried batch is written once and in order.",
    default: era({ "0.10": false, "3.x": true }),
    since: "0.11",
  }),
  "linger.ms": define(longKind({ min: 0 }), {
    doc: "How long a batch waits for more records before it is sent.",
    default: era({ "0.10": 0, "4.x": 5 }),
    note: "5 from Kafka 4.0 (KIP-1030)",
  }),
  "batch.size": define(intKind({ min: 0 }), {
    doc: "The most bytes of records in one batch for one partition.",
    default: 16_384,
  }),
  "buffer.memory": define(longKind({ min: 0 }), {
    doc: "Bytes of records the producer holds unsent; send blocks (up to max.block.ms) when they are used up.",
    default: 33_554_432,
  }),
  "max.block.ms": define(longKind({ min: 0 }), {
    doc: "How long send may block for buffer space or metadata before it fails.",
    default: 60_000,
  }),
  "max.in.flight.requests.per.connection": define(intKind({ min: 1 }), {
    doc: "Unacknowledged requests per broker connection; above 1 without idempotence, retries may reorder.",
    default: 5,
  }),
  "request.timeout.ms": define(intKind({ min: 0 }), {
    doc: "How long the producer waits for a response before it retries or fails the request.",
    default: 30_000,
  }),
  "delivery.timeout.ms": define(intKind({ min: 0 }), {
    doc: "The bound on reporting a send's outcome, retries included; at least linger.ms + request.timeout.ms.",
    default: 120_000,
    since: "2.1",
  }),
  retries: define(intKind({ min: 0, max: INT_MAX }), {
    doc: "How many times a failed batch is retried (within delivery.timeout.ms).",
    default: era({ "0.10": 0, "2.1": INT_MAX }),
    note: "Integer.MAX_VALUE from Kafka 2.1 (KIP-91)",
  }),
  "retry.backoff.ms": define(longKind({ min: 0 }), {
    doc: "How long the producer waits before retrying a failed request.",
    default: 100,
  }),
  "metadata.max.age.ms": define(longKind({ min: 0 }), {
    doc: "Metadata older than this is refreshed even without an error.",
    default: 300_000,
  }),
  "partitioner.class": define(enumKind(PARTITIONERS), {
    doc: "Keyed records go to murmur2(key) mod partitions; keyless records round-robin (before Kafka 2.4) or sticky (one partition per batch).",
    default: era({ "0.10": "round-robin" as const, "3.x": "sticky" as const }),
    note: "ksim's values, not class names: Kafka's DefaultPartitioner behaviour before and after KIP-480",
  }),
};

const IDEMPOTENCE_NEEDS = [
  { key: "acks", bad: (v: unknown) => v !== -1, message: "must be all when enable.idempotence is true" },
  { key: "retries", bad: (v: unknown) => v === 0, message: "must be above 0 when enable.idempotence is true" },
  {
    key: "max.in.flight.requests.per.connection",
    bad: (v: unknown) => typeof v === "number" && v > 5,
    message: "must be at most 5 when enable.idempotence is true",
  },
] as const;

/**
 * Idempotence (ProducerConfig.postProcessAndValidateIdempotenceConfigs, Kafka 3.2 and the
 * 3.0.1/3.1.1 fixes): set by hand, it refuses acks other than all, zero retries and more
 * than 5 in-flight requests; on by default, such settings quietly turn it off. When on,
 * unset acks and retries become all and Integer.MAX_VALUE.
 */
function idempotence(ctx: RuleContext): void {
  if (ctx.get("enable.idempotence") !== true) return;
  const conflicts = IDEMPOTENCE_NEEDS.filter((need) => ctx.isSet(need.key) && need.bad(ctx.get(need.key)));
  if (conflicts.length > 0) {
    if (!ctx.isSet("enable.idempotence")) return ctx.derive("enable.idempotence", false);
    for (const need of conflicts) ctx.conflict(need.key, need.message);
    return;
  }
  if (!ctx.isSet("acks")) ctx.derive("acks", -1);
  if (!ctx.isSet("retries")) ctx.derive("retries", INT_MAX);
}

/**
 * delivery.timeout.ms (Kafka 2.1, KIP-91) must cover linger.ms + request.timeout.ms: set
 * lower by hand, Kafka refuses it; left at its default, Kafka raises it to that sum.
 */
function deliveryTimeout(ctx: RuleContext): void {
  if (!profileAtLeast(ctx.profile, "2.1")) return;
  const floor = (ctx.get("linger.ms") as number) + (ctx.get("request.timeout.ms") as number);
  if ((ctx.get("delivery.timeout.ms") as number) >= floor) return;
  if (ctx.isSet("delivery.timeout.ms")) {
    ctx.conflict("delivery.timeout.ms", `must be at least linger.ms + request.timeout.ms (${floor})`);
  } else {
    ctx.derive("delivery.timeout.ms", Math.min(floor, INT_MAX));
  }
}

export const PRODUCER_RULES: readonly ConfigRule[] = [idempotence, deliveryTimeout];
