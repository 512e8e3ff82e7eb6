import type { Micros } from "../../../sim/index.ts";

/** One calibration scenario and the part of its load phase that is measured. */
export interface CalibrationRun {
  /** File name in the calibration directory. */
  readonly file: string;
  /**
   * Acknowledgements before this (from the start of the load) are not counted. A follower's
   * first fetch is sent before it follows every partition and may wait replica.fetch.wait.max.ms
   * (500 ms) in purgatory before the next one asks for all of them; with acks=all that stalls
   * the start, as it would in Kafka, where a benchmark of 50 million records does not notice.
   */
  readonly warmupMicros: Micros;
}

/** A published throughput ratio, the runs whose measured ratio is compared with it, and the tolerance. */
export interface Calibration {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  /** The published figures the ratio is made of, as published. */
  readonly publishedDetail: string;
  readonly published: number;
  readonly numerator: CalibrationRun;
  readonly denominator: CalibrationRun;
  /** Allowed relative deviation of the measured ratio from the published one (0.15 = 15%). */
  readonly tolerance: number;
}

const KREPS_2014 = 'Kreps, "Benchmarking Apache Kafka: 2 Million Writes Per Second (On Three Cheap Machines)", LinkedIn engineering blog, 2014';
const NETDB_2011 = 'Kreps, Narkhede, Rao, "Kafka: a Distributed Messaging System for Log Processing", NetDB 2011, section 5 (Figure 4)';

const NO_REPLICATION: CalibrationRun = { file: "kreps-2014-no-replication.yaml", warmupMicros: 100_000 };

export const CALIBRATIONS: readonly Calibration[] = [
  {
    id: "kreps-2014-async",
    title: "3x asynchronous replication (acks=1) / no replication",
    source: KREPS_2014,
    publishedDetail: "786,980 / 821,557 records/s",
    published: 786_980 / 821_557,
    numerator: { file: "kreps-2014-async-replication.yaml", warmupMicros: 100_000 },
    denominator: NO_REPLICATION,
    tolerance: 0.15,
  },
  {
    id: "kreps-2014-sync",
    title: "3x synchronous replication (acks=all) / no replication",
    source: KREPS_2014,
    publishedDetail: "421,823 / 821,557 records/s",
    published: 421_823 / 821_557,
    numerator: { file: "kreps-2014-sync-replication.yaml", warmupMicros: 500_000 },
    denominator: NO_REPLICATION,
    tolerance: 0.15,
  },
  {
    id: "netdb-2011-batching",
    title: "producer batches of 50 / batches of 1",
    source: NETDB_2011,
    publishedDetail: "about 400,000 / 50,000 messages/s",
    published: 400_000 / 50_000,
    numerator: { file: "netdb-2011-batch-50.yaml", warmupMicros: 100_000 },
    denominator: { file: "netdb-2011-batch-1.yaml", warmupMicros: 100_000 },
    tolerance: 0.25,
  },
];
