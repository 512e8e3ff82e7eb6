/**
 * The steady workload (bench/scenarios/steady.yaml): 3 brokers, 12 partitions at RF 3,
 * acks=all, min.insync.replicas=2, 200,000 records/s of 100 bytes from 4 producers
 * (linger.ms 5), one group of 4 consumers, 60 s of load, no faults.
 * Goals: 2 million records per wall second, at most 32 bytes of history per record.
 */
import { workloadBenchmark } from "./lib/workload.ts";

export const benchmark = workloadBenchmark({
  name: "steady",
  description: "200k records/s for 60 s on 3 brokers (12 partitions, RF 3, acks=all), one group of 4: records/wall s, RSS, history bytes",
  scenario: "bench/scenarios/steady.yaml",
  fullSec: 60,
  quickSec: 2,
  probeSecs: [5, 10, 20],
  runs: 3,
  budgetMs: 10 * 60_000,
  timeoutMs: 15 * 60_000,
});
