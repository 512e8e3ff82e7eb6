import { assert, type Random } from "../../../sim/index.ts";

/**
 * Kafka's rack-unaware replica assignment (AdminUtils.assignReplicasToBrokers): the first
 * replica of partition p goes to broker (p + start) mod n, followers follow at a shift
 * that grows by one every n partitions, so leaders and followers spread evenly. `start`
 * and the initial shift are random, as in Kafka, drawn from the caller's stream.
 */
export function assignReplicasToBrokers(
  brokerIds: readonly number[],
  partitions: number,
  replicationFactor: number,
  random: Random,
  firstPartition = 0,
  /** Adding partitions to a topic starts from its partition 0's first replica (Kafka's fixedStartIndex). */
  fixedStartIndex = -1,
): number[][] {
  const n = brokerIds.length;
  assert(replicationFactor >= 1 && replicationFactor <= n, `replication factor ${replicationFactor} with ${n} brokers`);
  const brokers = [...brokerIds].sort((a, b) => a - b);
  const startIndex = fixedStartIndex >= 0 ? fixedStartIndex : random.int(0, n - 1);
  let shift = fixedStartIndex >= 0 ? fixedStartIndex : random.int(0, n - 1);
  const assignment: number[][] = [];
  for (let i = 0; i < partitions; i++) {
    const p = firstPartition + i;
    if (p > 0 && p % n === 0) shift++;
    const first = (p + startIndex) % n;
    const replicas = [brokers[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) replicas.push(brokers[replicaIndex(first, shift, j, n)]!);
    assignment.push(replicas);
  }
  return assignment;
}

function replicaIndex(first: number, shift: number, j: number, n: number): number {
  const offset = 1 + ((shift + j) % (n - 1));
  return (first + offset) % n;
}
