/**
 * The light workload (bench/scenarios/light.yaml): the steady cluster at 20,000 records/s
 * for 600 s of load. Goal: at least 100 times faster than real time.
 */
import { workloadBenchmark } from "./lib/workload.ts";

export const benchmark = workloadBenchmark({
  name: "light",
  description: "the steady cluster at 20k records/s for 600 s: speed-up over real time",
  scenario: "bench/scenarios/light.yaml",
  fullSec: 600,
  quickSec: 20,
  probeSecs: [50, 100, 200],
  runs: 3,
  budgetMs: 10 * 60_000,
  timeoutMs: 15 * 60_000,
});
