import type { Micros } from "../../sim/index.ts";
import type { History } from "../check/history/index.ts";
import { LatencyHistogram } from "./LatencyHistogram.ts";
import { percentile, toMs, type Buckets } from "./Buckets.ts";

/** A producer instance as the report names it: its node, topic, acks setting and record size. */
export interface ProducerInfo {
  readonly topic: string;
  /** `all`, `1` or `0`. */
  readonly acks: string;
  readonly messageSizeBytes: number;
}

export interface ProducerTotals {
  readonly producer: string;
  readonly info: ProducerInfo;
  sent: number;
  acked: number;
  failed: number;
  readonly latency: LatencyHistogram;
}

/** A processed record: when, and which value (its send time is in the history). */
export interface ProcessedRecord {
  readonly valueId: number;
  readonly atMicros: number;
}

export interface ClientMetricsInput {
  readonly history: History;
  readonly producers: ReadonlyMap<string, ProducerInfo>;
  /** Group members' processed records; null without groups (end-to-end is then send to delivery to simple consumers). */
  readonly processed: Iterable<ProcessedRecord> | null;
  /** Nodes of the simple consumers (whose polls are deliveries). */
  readonly simpleConsumers: ReadonlySet<string>;
  readonly buckets: Buckets;
}

export interface PercentileSeries {
  readonly p50: (number | null)[];
  readonly p99: (number | null)[];
  readonly max: (number | null)[];
}

/**
 * What the clients saw, read from the run's history after the run (no cost while it runs):
 * records sent, acknowledged, failed and polled per bucket; produce latency per producer, per
 * acks setting and per bucket; end-to-end latency (send to processing, or to delivery).
 * Latencies are simulated microseconds, reported in milliseconds.
 */
export class ClientMetrics {
  readonly sent: number[];
  readonly acked: number[];
  readonly failed: number[];
  readonly consumed: number[];
  readonly produceLatencyMs: PercentileSeries;
  readonly endToEndLatencyMs: PercentileSeries;
  readonly producers = new Map<string, ProducerTotals>();
  readonly produceLatency = new LatencyHistogram();
  readonly endToEnd = new LatencyHistogram();
  /** Bytes of the acknowledged records (record count times each producer's message size). */
  ackedBytes = 0;

  constructor(input: ClientMetricsInput) {
    const b = input.buckets;
    this.sent = b.zeros();
    this.acked = b.zeros();
    this.failed = b.zeros();
    this.consumed = b.zeros();
    const ackLatencies = perBucket(b.count);
    const sentAt = this.readSends(input, ackLatencies);
    const endToEnd = perBucket(b.count);
    const reach = (atMicros: Micros, valueId: number) => {
      const sent = sentAt.get(valueId);
      if (sent === undefined) return;
      this.endToEnd.record(atMicros - sent);
      const i = b.indexOf(atMicros);
      if (i >= 0) endToEnd[i]!.push(atMicros - sent);
    };
    input.history.forEachPolledRecord((r) => {
      const i = b.indexOf(r.atMicros);
      if (i >= 0) this.consumed[i]!++;
      if (input.processed === null && input.simpleConsumers.has(r.process)) reach(r.atMicros, r.valueId);
    });
    if (input.processed !== null) for (const p of input.processed) reach(p.atMicros, p.valueId);
    this.produceLatencyMs = percentiles(ackLatencies);
    this.endToEndLatencyMs = percentiles(endToEnd);
  }

  /** Counts sends per bucket and per producer; returns each value's send time. */
  private readSends(input: ClientMetricsInput, ackLatencies: number[][]): Map<number, Micros> {
    const b = input.buckets;
    const sentAt = new Map<number, Micros>();
    input.history.forEachSend((s) => {
      sentAt.set(s.valueId, s.invokedAtMicros);
      const totals = this.totalsOf(s.process, input.producers);
      totals.sent++;
      const invoked = b.indexOf(s.invokedAtMicros);
      if (invoked >= 0) this.sent[invoked]!++;
      if (s.completion === "pending") return;
      const completed = b.indexOf(s.completedAtMicros);
      if (s.completion !== "ok") {
        totals.failed++;
        if (completed >= 0) this.failed[completed]!++;
        return;
      }
      const latency = s.completedAtMicros - s.invokedAtMicros;
      totals.acked++;
      totals.latency.record(latency);
      this.produceLatency.record(latency);
      this.ackedBytes += totals.info.messageSizeBytes;
      if (completed >= 0) {
        this.acked[completed]!++;
        ackLatencies[completed]!.push(latency);
      }
    });
    return sentAt;
  }

  private totalsOf(producer: string, infos: ReadonlyMap<string, ProducerInfo>): ProducerTotals {
    let totals = this.producers.get(producer);
    if (!totals) {
      const info = infos.get(producer) ?? { topic: "?", acks: "?", messageSizeBytes: 0 };
      this.producers.set(producer, (totals = { producer, info, sent: 0, acked: 0, failed: 0, latency: new LatencyHistogram() }));
    }
    return totals;
  }

  /** Produce latency per acks setting (`all`, `1`, `0`), in that order. */
  byAcks(): { acks: string; latency: LatencyHistogram }[] {
    const out = new Map<string, LatencyHistogram>();
    for (const t of this.producers.values()) {
      let h = out.get(t.info.acks);
      if (!h) out.set(t.info.acks, (h = new LatencyHistogram()));
      h.add(t.latency);
    }
    const order = ["all", "1", "0"];
    return [...out].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([acks, latency]) => ({ acks, latency }));
  }
}

function perBucket(count: number): number[][] {
  return Array.from({ length: count }, () => []);
}

function percentiles(buckets: number[][]): PercentileSeries {
  const p50: (number | null)[] = [];
  const p99: (number | null)[] = [];
  const max: (number | null)[] = [];
  for (const values of buckets) {
    const sorted = Float64Array.from(values).sort();
    const ms = (v: number | null) => (v === null ? null : toMs(v));
    p50.push(ms(percentile(sorted, 50)));
    p99.push(ms(percentile(sorted, 99)));
    max.push(ms(sorted.length === 0 ? null : sorted[sorted.length - 1]!));
  }
  return { p50, p99, max };
}
