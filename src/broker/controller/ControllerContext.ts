import type { PartitionState } from "../../protocol/requests.ts";

/**
 * The controller's view of the cluster (Kafka's ControllerContext): live brokers, the
 * replica assignment and the state of every partition. An immutable value, frozen and copied
 * on write (one level per change, as immer did, without its proxies): it changes on controller
 * events only, and each change is a snapshot for free.
 */
export interface ControllerContext {
  readonly liveBrokers: readonly number[];
  /** topic -> partition -> replicas, in assignment order (the first is the preferred leader). */
  readonly assignments: Readonly<Record<string, readonly (readonly number[])[]>>;
  /** `${topic}-${partition}` -> the partition state as last written to the store. */
  readonly states: Readonly<Record<string, PartitionState>>;
}

export const EMPTY_CONTEXT: ControllerContext = Object.freeze({ liveBrokers: Object.freeze([]), assignments: Object.freeze({}), states: Object.freeze({}) });

export const partitionKey = (topic: string, partition: number): string => `${topic}-${partition}`;

export function withLiveBrokers(c: ControllerContext, live: readonly number[]): ControllerContext {
  return Object.freeze({ ...c, liveBrokers: Object.freeze([...live].sort((a, b) => a - b)) });
}

export function withAssignment(c: ControllerContext, topic: string, replicas: readonly (readonly number[])[]): ControllerContext {
  const assignment = Object.freeze(replicas.map((r) => Object.freeze([...r])));
  return Object.freeze({ ...c, assignments: Object.freeze({ ...c.assignments, [topic]: assignment }) });
}

export function withState(c: ControllerContext, state: PartitionState): ControllerContext {
  const { elr: _elr, lastKnownElr: _last, ...rest } = state;
  const copy = { ...rest, isr: Object.freeze([...state.isr]), replicas: Object.freeze([...state.replicas]) };
  // KIP-966's fields only where the profile has them: other profiles keep the state Kafka's ZooKeeper mode had.
  const stored: PartitionState = Object.freeze(
    state.elr === undefined ? copy : { ...copy, elr: Object.freeze([...state.elr]), lastKnownElr: Object.freeze([...(state.lastKnownElr ?? [])]) },
  );
  return Object.freeze({ ...c, states: Object.freeze({ ...c.states, [partitionKey(state.topic, state.partition)]: stored }) });
}

/** Every partition the controller knows, in a stable order (topic, then partition). */
export function allPartitions(c: ControllerContext): { topic: string; partition: number; replicas: readonly number[] }[] {
  const out: { topic: string; partition: number; replicas: readonly number[] }[] = [];
  for (const topic of Object.keys(c.assignments).sort()) {
    c.assignments[topic]!.forEach((replicas, partition) => out.push({ topic, partition, replicas }));
  }
  return out;
}
