import { define, era } from "./define.ts";
import { profileAtLeast } from "./profiles.ts";
import type { ConfigRule, RuleContext } from "./rules.ts";
import { booleanKind, enumKind, intKind, longKind, stringKind } from "./values.ts";

/**
 * Consumer configuration (ConsumerConfig), by Kafka's names, with the defaults of each
 * profile, and the checks KafkaConsumer makes when it starts.
 *
 * `partition.assignment.strategy` takes one assignor, by a short name or Kafka's class
 * name (Kafka takes a list and uses the first assignor every member supports).
 */
export const AUTO_OFFSET_RESETS = ["earliest", "latest", "none"] as const;
export type AutoOffsetReset = (typeof AUTO_OFFSET_RESETS)[number];

export const ASSIGNORS = ["range", "round-robin", "sticky"] as const;
export type AssignorChoice = (typeof ASSIGNORS)[number];

const ASSIGNOR_CLASSES: Readonly<Record<string, AssignorChoice>> = {
  roundrobin: "round-robin",
  "org.apache.kafka.clients.consumer.RangeAssignor": "range",
  "org.apache.kafka.clients.consumer.RoundRobinAssignor": "round-robin",
  "org.apache.kafka.clients.consumer.StickyAssignor": "sticky",
};

export const CONSUMER_KEYS = {
  "group.id": define(stringKind({ nullable: true }), {
    doc: "The consumer group this consumer joins; null (the default) for a consumer assigned partitions by hand.",
    default: null,
  }),
  "enable.auto.commit": define(booleanKind(), {
    doc: "Whether the consumer commits the position of its previous poll every auto.commit.interval.ms.",
    default: true,
  }),
  "auto.commit.interval.ms": define(intKind({ min: 0 }), {
    doc: "How often offsets are committed when enable.auto.commit is true.",
    default: 5_000,
  }),
  "auto.offset.reset": define(enumKind(AUTO_OFFSET_RESETS), {
    doc: "Where to start with no committed offset or one out of range: earliest, latest, or fail (none).",
    default: "latest",
  }),
  "session.timeout.ms": define(intKind(), {
    doc: "A member whose heartbeats stop for this long is removed from its group.",
    default: era({ "0.10": 10_000, "3.x": 45_000 }),
    note: "10000 from Kafka 0.10.1 to 2.8, 45000 from 3.0 (KIP-735)",
  }),
  "heartbeat.interval.ms": define(intKind(), {
    doc: "How often a member heartbeats to its group coordinator; below session.timeout.ms.",
    default: 3_000,
  }),
  "max.poll.interval.ms": define(intKind({ min: 1 }), {
    doc: "A member that does not poll for this long leaves its group.",
    default: 300_000,
  }),
  "max.poll.records": define(intKind({ min: 1 }), {
    doc: "The most records one poll returns.",
    default: 500,
  }),
  "fetch.min.bytes": define(intKind({ min: 0 }), {
    doc: "The fewest bytes a fetch waits for before the broker answers.",
    default: 1,
  }),
  "fetch.max.wait.ms": define(intKind({ min: 0 }), {
    doc: "The longest a fetch waits at the broker for fetch.min.bytes of data.",
    default: 500,
  }),
  "fetch.max.bytes": define(intKind({ min: 0 }), {
    doc: "The most bytes one fetch returns across partitions (a larger first batch is still returned).",
    default: 52_428_800,
  }),
  "max.partition.fetch.bytes": define(intKind({ min: 0 }), {
    doc: "The most bytes one fetch returns per partition (a larger first batch is still returned).",
    default: 1_048_576,
  }),
  "partition.assignment.strategy": define(enumKind(ASSIGNORS, ASSIGNOR_CLASSES), {
    doc: "How the group leader assigns partitions to members: range, round-robin or sticky.",
    default: "range",
  }),
  "request.timeout.ms": define(intKind({ min: 0 }), {
    doc: "How long the consumer waits for a response before it retries or fails the request.",
    default: era({ "0.10": 305_000, "2.1": 30_000 }),
    note: "30000 from Kafka 2.0 (KIP-266)",
  }),
  "retry.backoff.ms": define(longKind({ min: 0 }), {
    doc: "How long the consumer waits before retrying a failed request.",
    default: 100,
  }),
};

/**
 * Without a group id there is nowhere to commit (Kafka 2.2, KIP-289): auto-commit set by
 * hand is refused, and its default turns off.
 */
function autoCommitNeedsGroup(ctx: RuleContext): void {
  if (ctx.get("group.id") !== null || ctx.get("enable.auto.commit") !== true) return;
  if (ctx.isSet("enable.auto.commit")) ctx.conflict("enable.auto.commit", "cannot be true without a group.id");
  else ctx.derive("enable.auto.commit", false);
}

/** AbstractCoordinator: "Heartbeat must be set lower than the session timeout". */
function heartbeatBelowSession(ctx: RuleContext): void {
  if ((ctx.get("heartbeat.interval.ms") as number) < (ctx.get("session.timeout.ms") as number)) return;
  if (ctx.isSet("heartbeat.interval.ms") || !ctx.isSet("session.timeout.ms")) {
    ctx.conflict("heartbeat.interval.ms", `must be lower than session.timeout.ms (${ctx.get("session.timeout.ms")})`);
  } else {
    ctx.conflict("session.timeout.ms", `must be above heartbeat.interval.ms (${ctx.get("heartbeat.interval.ms")})`);
  }
}

/**
 * Before Kafka 2.0 a consumer's request.timeout.ms had to exceed session.timeout.ms and
 * fetch.max.wait.ms (requests to the coordinator could block for a session).
 */
function oldRequestTimeout(ctx: RuleContext): void {
  if (profileAtLeast(ctx.profile, "2.1")) return;
  const request = ctx.get("request.timeout.ms") as number;
  for (const other of ["session.timeout.ms", "fetch.max.wait.ms"]) {
    if (request > (ctx.get(other) as number)) continue;
    if (ctx.isSet("request.timeout.ms") || !ctx.isSet(other)) {
      ctx.conflict("request.timeout.ms", `must be greater than ${other} (${ctx.get(other)}) before Kafka 2.0`);
    } else {
      ctx.conflict(other, `must be less than request.timeout.ms (${request}) before Kafka 2.0`);
    }
  }
}

export const CONSUMER_RULES: readonly ConfigRule[] = [autoCommitNeedsGroup, heartbeatBelowSession, oldRequestTimeout];
