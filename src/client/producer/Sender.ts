import type { Micros, NodeContext } from "../../../sim/index.ts";
import { isRetriable, needsMetadataRefresh, type KafkaError } from "../../protocol/errors.ts";
import type { InitProducerIdResponse, ProduceResponse } from "../../protocol/requests.ts";
import { attemptMayHaveWritten, type ClientError } from "../errors.ts";
import type { MetadataCache } from "../metadata/MetadataCache.ts";
import type { NetworkClient, Outcome } from "../network/NetworkClient.ts";
import { WakeTimer } from "../WakeTimer.ts";
import type { IdempotenceManager } from "./IdempotenceManager.ts";
import type { ProducerBatch } from "./ProducerBatch.ts";
import type { ProducerOptions } from "./ProducerOptions.ts";
import type { RecordAccumulator } from "./RecordAccumulator.ts";

/** How the sender hands finished batches back to the producer (callbacks, counters, memory). */
export interface BatchCompletions {
  succeeded(batch: ProducerBatch, baseOffset: number): void;
  failed(batch: ProducerBatch, error: ClientError): void;
  /** True while sends wait for buffer memory: every batch is then ready at once. */
  memoryExhausted(): boolean;
  /** Counts a batch put back for a retry. */
  retried(batch: ProducerBatch): void;
}

/** Produce request overhead besides its batches (header, topic and partition fields). */
const PRODUCE_REQUEST_OVERHEAD_BYTES = 64;

/**
 * Kafka's Sender, as an event loop run by a timer: each run refreshes metadata when due,
 * gets a producer id when idempotent, fails batches past delivery.timeout.ms, asks the
 * accumulator which brokers have batches ready, drains them for the brokers that can take
 * another request (max.in.flight.requests.per.connection, reconnect back-off), sends one
 * produce request per broker, and sleeps until the next batch can be ready or expire. A
 * produce answer completes, retries or fails each of its batches.
 *
 * Nothing here knows whether the batch was written twice: without idempotence a retry
 * after a lost answer is simply another append, and with more than one request in flight
 * a retry can land after a later batch. That is Kafka's behaviour, not a flag.
 */
export class Sender {
  private readonly wake: WakeTimer;
  /** Batches in an unanswered produce request (for in-flight delivery timeouts). */
  private readonly inFlightBatches = new Set<ProducerBatch>();
  private inFlightRequests = 0;
  private initInFlight = false;
  private initRetryAtMicros = 0;
  private requestsSent = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: ProducerOptions,
    private readonly network: NetworkClient,
    private readonly metadata: MetadataCache,
    private readonly accumulator: RecordAccumulator,
    private readonly idempotence: IdempotenceManager | null,
    private readonly completions: BatchCompletions,
  ) {
    this.wake = new WakeTimer(ctx, "producer.sender", () => this.runOnce());
  }

  /** Produce requests sent so far. */
  get produceRequests(): number {
    return this.requestsSent;
  }

  /** Produce requests not yet answered. */
  get inFlight(): number {
    return this.inFlightRequests;
  }

  wakeup(): void {
    this.wake.wakeNow();
  }

  private get guaranteesOrder(): boolean {
    return this.options.maxInFlightPerConnection === 1;
  }

  private readonly leaderOf = (tp: { topic: string; partition: number }): number => this.metadata.leaderOf(tp);

  private runOnce(): void {
    const now = this.ctx.now;
    this.metadata.maybeRefresh();
    if (this.idempotence) {
      this.idempotence.resolveSequences();
      this.maybeInitProducerId(now);
    }
    this.expireBatches(now);
    const check = this.accumulator.ready(now, this.leaderOf, this.completions.memoryExhausted());
    if (check.unknownLeader) this.metadata.requestUpdate();
    let nextMicros = check.nextReadyCheckMicros;
    let sentAny = false;
    for (const broker of check.readyBrokers) {
      if (!this.network.isReady(broker, this.options.maxInFlightPerConnection)) {
        const backoff = this.network.backoffRemaining(broker);
        if (backoff > 0) nextMicros = Math.min(nextMicros, backoff);
        continue; // otherwise a full pipeline: an answer wakes the loop
      }
      const batches = this.accumulator.drain(broker, this.leaderOf, now, (first) => this.mayDrain(first));
      if (batches.length > 0) {
        this.sendProduce(broker, batches);
        sentAny = true;
      }
    }
    // Kafka's Sender polls with a zero timeout when it had a node to send to, so it loops at
    // once and sends more while the pipeline has room (a drain takes one batch per partition).
    // Bounded: each send fills an in-flight slot. Only when there is more to send, so a loop
    // with nothing left to do adds no event.
    if (sentAny && this.canSendMore(now)) nextMicros = 0;
    nextMicros = Math.min(nextMicros, this.nextExpiryMicros() - now);
    if (this.accumulator.hasUndrained || this.inFlightBatches.size > 0) {
      nextMicros = Math.min(nextMicros, this.metadata.timeToExpiry());
    }
    if (this.idempotence?.needsProducerId && !this.initInFlight && now < this.initRetryAtMicros) {
      nextMicros = Math.min(nextMicros, this.initRetryAtMicros - now);
    }
    this.wake.wakeAt(now + nextMicros);
  }

  private canSendMore(now: Micros): boolean {
    const check = this.accumulator.ready(now, this.leaderOf, this.completions.memoryExhausted());
    return check.readyBrokers.some((broker) => this.network.isReady(broker, this.options.maxInFlightPerConnection));
  }

  private mayDrain(first: ProducerBatch): boolean {
    if (!this.idempotence) return true;
    if (!this.idempotence.mayDrain(first)) return false;
    this.idempotence.assignSequence(first);
    return true;
  }

  // ---- produce requests -------------------------------------------------------------------

  private sendProduce(broker: number, batches: ProducerBatch[]): void {
    let sizeBytes = PRODUCE_REQUEST_OVERHEAD_BYTES;
    for (const b of batches) {
      b.sends++;
      sizeBytes += b.sizeBytes;
      if (this.guaranteesOrder) this.accumulator.mute(b.key);
    }
    const request = {
      type: "kafka.produce" as const,
      acks: this.options.acks,
      timeoutMicros: this.options.requestTimeoutMicros,
      partitions: batches.map((b) => ({ topic: b.tp.topic, partition: b.tp.partition, batch: b.toWire() })),
    };
    this.requestsSent++;
    if (this.options.acks === 0) {
      // No answer will come: the batches are complete once sent, with no offset.
      this.network.send(broker, request, sizeBytes, null);
      for (const b of batches) {
        if (this.guaranteesOrder) this.accumulator.unmute(b.key);
        this.completions.succeeded(b, -1);
      }
      return;
    }
    for (const b of batches) {
      b.inFlight = true;
      this.inFlightBatches.add(b);
      this.idempotence?.sent(b);
    }
    this.inFlightRequests++;
    this.network.send(broker, request, sizeBytes, (outcome) => this.answered(batches, outcome));
  }

  private answered(batches: ProducerBatch[], outcome: Outcome<ProduceResponse>): void {
    this.inFlightRequests--;
    for (const b of batches) {
      b.inFlight = false;
      this.inFlightBatches.delete(b);
      this.idempotence?.answered(b);
    }
    for (const b of batches) {
      if (!outcome.ok) {
        this.completeBatch(b, outcome.error, -1);
        continue;
      }
      const answer = outcome.response.partitions.find((p) => p.topic === b.tp.topic && p.partition === b.tp.partition);
      // A broker that leaves a partition out of its answer has not taken the batch.
      this.completeBatch(b, answer?.error ?? "INVALID_REQUEST", answer?.baseOffset ?? -1);
    }
    this.wakeup();
  }

  /** Kafka's Sender.completeBatch: success, a retry, or the batch's final failure. */
  private completeBatch(batch: ProducerBatch, error: KafkaError, baseOffset: number): void {
    if (this.guaranteesOrder) this.accumulator.unmute(batch.key);
    if (error === "NONE" || error === "DUPLICATE_SEQUENCE_NUMBER") {
      // Even a batch given up on (delivery timeout) tells the sequence bookkeeping it landed.
      this.idempotence?.acknowledged(batch);
      if (!batch.done) this.completions.succeeded(batch, error === "NONE" ? baseOffset : -1);
      return;
    }
    if (needsMetadataRefresh(error)) this.metadata.requestUpdate();
    if (batch.done) return;
    if (attemptMayHaveWritten(error)) batch.mayHaveWritten = true;
    if (this.idempotence?.dropsOnRetry(batch) && (isRetriable(error) || error === "UNKNOWN_PRODUCER_ID")) {
      // Kafka 1.1 to 2.4: "Attempted to retry sending a batch but the producer id changed
      // ... This batch will be dropped."
      return this.failBatch(batch, "OUT_OF_ORDER_SEQUENCE_NUMBER");
    }
    if (this.canRetry(batch, error)) {
      this.accumulator.reenqueue(batch, this.ctx.now);
      this.completions.retried(batch);
      return;
    }
    this.failBatch(batch, error);
  }

  private canRetry(batch: ProducerBatch, error: KafkaError): boolean {
    if (batch.hasReachedDeliveryTimeout(this.options.deliveryTimeoutMicros, this.ctx.now)) return false;
    if (batch.attempts >= this.options.retries) return false;
    if (this.idempotence && error === "OUT_OF_ORDER_SEQUENCE_NUMBER") {
      return this.idempotence.outOfOrder(batch) === "retry";
    }
    if (this.idempotence && error === "UNKNOWN_PRODUCER_ID") {
      this.idempotence.requestReset(batch.key);
      return true;
    }
    return isRetriable(error);
  }

  private failBatch(batch: ProducerBatch, error: ClientError): void {
    this.idempotence?.failed(batch);
    this.completions.failed(batch, error);
  }

  // ---- delivery timeout -------------------------------------------------------------------

  private expireBatches(now: Micros): void {
    for (const b of this.accumulator.takeExpired(now)) this.failBatch(b, "DELIVERY_TIMEOUT");
    // Found first and failed after, in the set's order: failing runs callbacks. Most runs find none.
    let expired: ProducerBatch[] | null = null;
    for (const b of this.inFlightBatches) {
      if (b.done || !b.hasReachedDeliveryTimeout(this.options.deliveryTimeoutMicros, now)) continue;
      (expired ??= []).push(b);
    }
    if (expired === null) return;
    for (const b of expired) {
      if (b.done) continue;
      // Its request is still out: the broker may append it yet, and its answer is then ignored.
      b.mayHaveWritten = true;
      this.failBatch(b, "DELIVERY_TIMEOUT");
    }
  }

  private nextExpiryMicros(): Micros {
    let earliest = this.accumulator.nextExpiryMicros();
    for (const b of this.inFlightBatches) {
      if (!b.done) earliest = Math.min(earliest, b.createdMicros + this.options.deliveryTimeoutMicros);
    }
    return earliest;
  }

  // ---- producer id ------------------------------------------------------------------------

  /** InitProducerId to the least loaded broker when an id is needed and no produce request is out. */
  private maybeInitProducerId(now: Micros): void {
    const idem = this.idempotence!;
    if (!idem.needsProducerId || this.initInFlight || this.inFlightRequests > 0 || now < this.initRetryAtMicros) return;
    const broker = this.network.leastLoaded(this.metadata.brokers);
    if (broker === null) {
      this.initRetryAtMicros = now + Math.max(1, this.network.shortestBackoff(this.metadata.brokers));
      return;
    }
    this.initInFlight = true;
    this.network.send(broker, { type: "kafka.init-producer-id" }, 64, (outcome) => this.producerIdAnswered(outcome));
  }

  private producerIdAnswered(outcome: Outcome<InitProducerIdResponse>): void {
    this.initInFlight = false;
    if (outcome.ok && outcome.response.error === "NONE") {
      const { producerId, producerEpoch } = outcome.response;
      this.idempotence!.setProducerId(producerId, producerEpoch, this.accumulator.queued());
      this.ctx.record("producer.producer-id", { producerId, producerEpoch });
    } else {
      this.initRetryAtMicros = this.ctx.now + this.options.retryBackoffMicros;
    }
    this.wakeup();
  }
}
