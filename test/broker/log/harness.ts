import { RecordSet } from "../../../src/protocol/RecordSet.ts";
/**
 * Test harness for the storage layer: a simulation with broker nodes whose process does
 * nothing, so tests open ReplicaLogs on a node's context and work them directly; helpers
 * for producer batches, crashes, and reading a log back as record offsets.
 */
import { Simulation, type DiskOptions, type NodeContext, type SimNode } from "../../../sim/index.ts";
import { BATCH_OVERHEAD_BYTES, NO_PRODUCER_ID, NO_SEQUENCE, type KafkaRecord, type ProducerBatch } from "../../../src/protocol/records.ts";
import type { LogConfig } from "../../../src/broker/log/LogConfig.ts";
import { ReplicaLog } from "../../../src/broker/log/ReplicaLog.ts";
import { recordOffset, type StoredBatch } from "../../../src/broker/log/storedBatch.ts";

export const DIR = "orders-0";

export class LogWorld {
  readonly sim: Simulation;
  private readonly nodes = new Map<string, SimNode>();

  constructor(seed = "log", disk: Partial<DiskOptions> = {}, names: string[] = ["broker-1"]) {
    this.sim = new Simulation({ seed });
    for (const name of names) this.nodes.set(name, this.sim.addNode(name, () => ({ start() {}, receive() {} }), { disk }));
    this.sim.run(); // boot
  }

  node(name = "broker-1"): SimNode {
    return this.nodes.get(name)!;
  }

  ctx(name = "broker-1"): NodeContext {
    return this.node(name).context;
  }

  open(config: Partial<LogConfig> = {}, name = "broker-1", dir = DIR): ReplicaLog {
    return new ReplicaLog(this.ctx(name), dir, config);
  }

  /** Lets pending fsyncs (and anything else queued) complete. */
  settle(): void {
    this.sim.run();
  }

  /** Moves the clock forward by `micros`. */
  advance(micros: number): void {
    this.sim.run({ untilMicros: this.sim.now + micros });
  }

  /** A machine crash (unsynced writes lost, or torn, by the disk's policy), a restart, and the log reopened. */
  crashAndReopen(config: Partial<LogConfig> = {}, name = "broker-1", mode: "machine" | "process" = "machine"): ReplicaLog {
    this.node(name).crash(mode);
    this.node(name).restart();
    this.sim.run();
    return this.open(config, name);
  }
}

let nextValueId = 1;

export function record(key: string | null = null, sizeBytes = 100): KafkaRecord {
  return { key, valueId: nextValueId++, sizeBytes, createdAtMicros: 0 };
}

export interface BatchOptions {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  keys?: (string | null)[];
  recordBytes?: number;
}

/** A producer batch of `count` records (keys from `keys`, cycled, if given). */
export function producerBatch(count: number, options: BatchOptions = {}): ProducerBatch {
  const recordBytes = options.recordBytes ?? 100;
  const records = Array.from({ length: count }, (_, i) => record(options.keys ? options.keys[i % options.keys.length]! : null, recordBytes));
  return {
    records: RecordSet.of(records),
    producerId: options.producerId ?? NO_PRODUCER_ID,
    producerEpoch: options.producerEpoch ?? 0,
    baseSequence: options.baseSequence ?? NO_SEQUENCE,
    sizeBytes: BATCH_OVERHEAD_BYTES + count * recordBytes,
  };
}

/** Appends batches of the given record counts as leader in `epoch`; returns their base offsets. */
export function appendBatches(log: ReplicaLog, counts: number[], epoch = 0, nowMicros?: number, options: BatchOptions = {}): number[] {
  return counts.map((n) => {
    const result = log.appendAsLeader(producerBatch(n, options), epoch, nowMicros ?? 0);
    if (result.kind !== "appended") throw new Error(`append failed: ${JSON.stringify(result)}`);
    return result.batch.baseOffset;
  });
}

/** Every record offset in the log, in order. */
export function recordOffsets(log: ReplicaLog): number[] {
  return log.batches().flatMap((b) => b.records.toArray().map((_, i) => recordOffset(b, i)));
}

/** The value ids of a log, in order: what a checker compares across replicas. */
export function valueIds(log: ReplicaLog): number[] {
  return log.batches().flatMap((b) => b.records.toArray().map((r) => r.valueId));
}

export function batchBases(batches: readonly StoredBatch[]): number[] {
  return batches.map((b) => b.baseOffset);
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
