import { assert } from "../../../../sim/index.ts";
import type { Assignor, AssignorName } from "./Assignor.ts";
import { CooperativeStickyAssignor } from "./CooperativeStickyAssignor.ts";
import { RangeAssignor } from "./RangeAssignor.ts";
import { RoundRobinAssignor } from "./RoundRobinAssignor.ts";
import { StickyAssignor } from "./StickyAssignor.ts";

/**
 * Kafka's partition assignors: range, roundrobin, sticky and cooperative-sticky. The group
 * leader looks up the assignor the group agreed on with `assignorFor` and runs it over the
 * members' subscriptions.
 */
export {
  compareTopicPartitions,
  type Assignment,
  type Assignor,
  type AssignorName,
  type RebalanceProtocol,
} from "./Assignor.ts";
export { CooperativeStickyAssignor, partitionsChangingOwner } from "./CooperativeStickyAssignor.ts";
export { RangeAssignor } from "./RangeAssignor.ts";
export { RoundRobinAssignor } from "./RoundRobinAssignor.ts";
export { StickyAssignor, stickyAssign } from "./StickyAssignor.ts";

const FACTORIES: Readonly<Record<AssignorName, () => Assignor>> = {
  range: () => new RangeAssignor(),
  roundrobin: () => new RoundRobinAssignor(),
  sticky: () => new StickyAssignor(),
  "cooperative-sticky": () => new CooperativeStickyAssignor(),
};

/**
 * Every spelling `assignorFor` accepts: Kafka's protocol names, ksim's config values
 * (`partition.assignment.strategy`: range, round-robin, sticky) and Kafka's class names.
 */
export const ASSIGNOR_ALIASES: Readonly<Record<string, AssignorName>> = {
  range: "range",
  roundrobin: "roundrobin",
  "round-robin": "roundrobin",
  sticky: "sticky",
  "cooperative-sticky": "cooperative-sticky",
  "org.apache.kafka.clients.consumer.RangeAssignor": "range",
  "org.apache.kafka.clients.consumer.RoundRobinAssignor": "roundrobin",
  "org.apache.kafka.clients.consumer.StickyAssignor": "sticky",
  "org.apache.kafka.clients.consumer.CooperativeStickyAssignor": "cooperative-sticky",
};

/** Kafka's protocol name for an assignor spelled any way `assignorFor` accepts; undefined if unknown. */
export function assignorNameOf(name: string): AssignorName | undefined {
  return Object.hasOwn(ASSIGNOR_ALIASES, name) ? ASSIGNOR_ALIASES[name] : undefined;
}

/** The assignor called `name` (see ASSIGNOR_ALIASES). An unknown name is a broken scenario or config. */
export function assignorFor(name: string): Assignor {
  const protocolName = assignorNameOf(name);
  assert(
    protocolName !== undefined,
    () => `unknown partition assignor ${JSON.stringify(name)}: expected one of ${Object.keys(ASSIGNOR_ALIASES).join(", ")}`,
  );
  return FACTORIES[protocolName]();
}
