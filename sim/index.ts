/** The deterministic kernel. Knows nothing of Kafka; `src/` builds on this surface only. */
export { assert, unreachable, AssertionError } from "./assert.ts";
export * from "./time.ts";
export { EventQueue, type EventHandle, type EventHandler } from "./EventQueue.ts";
export { Random, type RandomState } from "./Random.ts";
export { Fingerprint, hashString } from "./Fingerprint.ts";
export { collectTrace, type TraceEvent, type TraceSink } from "./Trace.ts";
export { Simulation, type SimulationOptions, type RunLimits, type RunResult, type StopReason } from "./Simulation.ts";
export { SimNode, NodeContext, type Message, type Process, type ProcessFactory, type NodeOptions, type NodeState, type CrashMode } from "./SimNode.ts";
export { Network, DEFAULT_NETWORK, type NetworkOptions } from "./Network.ts";
export {
  Disk,
  DiskFile,
  DEFAULT_DISK,
  CORRUPT_RECORD,
  type CorruptRecord,
  type DiskRecord,
  type DiskOptions,
  type DiskError,
  type CrashLossPolicy,
} from "./Disk.ts";
