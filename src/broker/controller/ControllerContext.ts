import { produce } from "immer";
import type { PartitionState } from "../../protocol/requests.ts";

/**
 * The controller's view of the cluster (Kafka's ControllerContext): live brokers, the
 * replica assignment and the state of every partition. An immutable immer value: it
 * changes on controller events only (rarely), and each change is a snapshot for free.
 */
export interface ControllerContext {
  readonly liveBrokers: readonly number[];
  /** topic -> partition -> replicas, in assignment order (the first is the preferred leader). */
  readonly assignments: Readonly<Record<string, readonly (readonly number[])[]>>;
  /** `${topic}-${partition}` -> the partition state as last written to the store. */
  readonly states: Readonly<Record<string, PartitionState>>;
}

export const EMPTY_CONTEXT: ControllerContext = { liveBrokers: [], assignments: {}, states: {} };

export const partitionKey = (topic: string, partition: number): string => `${topic}-${partition}`;

export function withLiveBrokers(c: ControllerContext, live: readonly number[]): ControllerContext {
  return produce(c, (d) => {
    d.liveBrokers = [...live].sort((a, b) => a - b);
  });
}

export function withAssignment(c: ControllerContext, topic: string, replicas: readonly (readonly number[])[]): ControllerContext {
  return produce(c, (d) => {
    d.assignments[topic] = replicas.map((r) => [...r]);
  });
}

export function withState(c: ControllerContext, state: PartitionState): ControllerContext {
  return produce(c, (d) => {
    const { elr: _elr, lastKnownElr: _last, ...rest } = state;
    const copy = { ...rest, isr: [...state.isr], replicas: [...state.replicas] };
    // KIP-966's fields only where the profile has them: other profiles keep the state Kafka's ZooKeeper mode had.
    d.states[partitionKey(state.topic, state.partition)] =
      state.elr === undefined ? copy : { ...copy, elr: [...state.elr], lastKnownElr: [...(state.lastKnownElr ?? [])] };
  });
}

/** Every partition the controller knows, in a stable order (topic, then partition). */
export function allPartitions(c: ControllerContext): { topic: string; partition: number; replicas: readonly number[] }[] {
  const out: { topic: string; partition: number; replicas: readonly number[] }[] = [];
  for (const topic of Object.keys(c.assignments).sort()) {
    c.assignments[topic]!.forEach((replicas, partition) => out.push({ topic, partition, replicas }));
  }
  return out;
}
