import { assert, MICROS_PER_SECOND, type Message, type Micros, type NodeContext, type Process } from "../../../../sim/index.ts";
import type { ConsumedRecord } from "../Fetcher.ts";
import type { ConsumerRecords } from "../ConsumerRecords.ts";
import { KafkaConsumer, type KafkaConsumerExtras } from "../KafkaConsumer.ts";
import type { RebalanceListener } from "./ConsumerCoordinator.ts";
import type { CommitResult, GroupConsumerObserver } from "./GroupConsumerObserver.ts";
import type { GroupConsumerOptions } from "./GroupConsumerOptions.ts";

/**
 * When the application commits:
 * - `auto`: never by hand; enable.auto.commit commits, from poll(), the position of what
 *   earlier polls returned (and before a rebalance): a crash redelivers up to an interval;
 * - `after-processing`: commitSync of the positions once the whole batch is processed: a
 *   crash redelivers at most the batch being processed;
 * - `after-processing-async`: the same with commitAsync: the next poll does not wait for
 *   the commit, which may fail unseen (the next commit covers it);
 * - `before-processing`: commitSync of the batch's end position before processing it: a
 *   crash mid-batch loses the rest of the batch (at-most-once).
 */
export type CommitMode = "auto" | "after-processing" | "after-processing-async" | "before-processing";

export interface GroupConsumerHostOptions {
  readonly topics: readonly string[];
  readonly commitMode: CommitMode;
  /** How long the application works on each record, one after another. */
  readonly processingMicrosPerRecord: Micros;
  /** The timeout the application passes to poll(). Must be positive. */
  readonly pollTimeoutMicros: Micros;
  /** Manual modes: commitSync the positions in onPartitionsRevoked too (the usual rebalance listener). */
  readonly commitOnRevoke: boolean;
}

export const DEFAULT_GROUP_CONSUMER_HOST_OPTIONS: Omit<GroupConsumerHostOptions, "topics"> = {
  commitMode: "auto",
  processingMicrosPerRecord: 0,
  pollTimeoutMicros: MICROS_PER_SECOND,
  commitOnRevoke: false,
};

export interface GroupConsumerHostStats {
  /** Records whose processing finished. */
  processed: number;
  /** Batches (non-empty polls) taken. */
  batches: number;
}

/**
 * A process running the classic consumer loop around a KafkaConsumer: poll, process each
 * record for the processing time (a timer per record: a crash or a pause can land in the
 * middle of a batch), commit as the commit mode says, poll again. The consumer's options
 * decide enable.auto.commit: `auto` mode turns it on, the manual modes off.
 *
 * The observer hears `processed` from here (with the generation and member id of the poll
 * that returned the record, so a zombie's work is attributed to its stale generation) and
 * everything else from the consumer: commits and their failures, revocations, assignments.
 * A new incarnation (after a crash) is a new member with a new consumer: it starts from
 * the group's committed offsets, which is where redelivery comes from.
 */
export class GroupConsumerHost implements Process {
  readonly consumer: KafkaConsumer;
  readonly options: GroupConsumerHostOptions;
  readonly stats: GroupConsumerHostStats = { processed: 0, batches: 0 };
  private readonly observer: GroupConsumerObserver;
  private busy = false;
  private stopping = false;
  private closeStarted = false;
  private readonly whenStopped: (() => void)[] = [];

  constructor(
    readonly ctx: NodeContext,
    consumerOptions: Partial<GroupConsumerOptions> & { readonly groupId: string },
    hostOptions: Partial<GroupConsumerHostOptions> & { readonly topics: readonly string[] },
    extras: KafkaConsumerExtras = {},
  ) {
    this.options = { ...DEFAULT_GROUP_CONSUMER_HOST_OPTIONS, ...hostOptions };
    assert(this.options.pollTimeoutMicros > 0, "consumer host: the poll timeout must be positive");
    assert(this.options.processingMicrosPerRecord >= 0, "consumer host: the processing time must not be negative");
    this.observer = extras.observer ?? {};
    const enableAutoCommit = this.options.commitMode === "auto";
    this.consumer = new KafkaConsumer(ctx, { ...consumerOptions, enableAutoCommit }, extras);
  }

  start(): void {
    this.consumer.start();
    this.consumer.subscribe(this.options.topics, this.listener());
    this.pollAgain();
  }

  receive(from: string, message: Message): void {
    if (this.consumer.handles(from, message)) this.consumer.receive(from, message);
  }

  connectionReset(peer: string): void {
    this.consumer.connectionReset(peer);
  }

  /**
   * Ends the loop and closes the consumer (auto-commit, revoke, LeaveGroup): at once while
   * it waits in poll(), else once the batch in hand is processed (and committed).
   */
  stop(done: () => void = () => {}): void {
    this.whenStopped.push(done);
    this.stopping = true;
    if (!this.busy) this.closeConsumer();
  }

  // ---- the loop -------------------------------------------------------------------------------

  private pollAgain(): void {
    if (this.stopping) return this.closeConsumer();
    if (this.consumer.failure !== null) return;
    this.busy = false;
    this.consumer.poll(this.options.pollTimeoutMicros, (records) => this.polled(records));
  }

  private polled(records: ConsumerRecords): void {
    if (this.closeStarted) return;
    if (records.length === 0) return this.pollAgain();
    this.busy = true;
    this.stats.batches++;
    const { generationId, memberId } = this.consumer.generation;
    const process = (then: () => void) => this.process(records, 0, generationId, memberId, then);
    switch (this.options.commitMode) {
      case "auto":
        return process(() => this.pollAgain());
      case "after-processing":
        return process(() => this.commit(() => this.pollAgain()));
      case "after-processing-async":
        return process(() => {
          this.consumer.commitAsync();
          this.pollAgain();
        });
      case "before-processing":
        return this.commit(() => process(() => this.pollAgain()));
    }
  }

  /** Processes records[i..] one after another, each taking the processing time. */
  private process(records: ConsumerRecords, i: number, generation: number, memberId: string, then: () => void): void {
    const per = this.options.processingMicrosPerRecord;
    if (per === 0) {
      if (i === 0 && this.observer.processedAll !== undefined) {
        this.stats.processed += records.length;
        this.observer.processedAll(records, generation, memberId, this.ctx.now);
      } else {
        for (let k = i; k < records.length; k++) this.processed(records.at(k), generation, memberId);
      }
      return then();
    }
    // One handler for the batch, walking it a timer per record (not a closure per record).
    let next = i;
    const processNext = (): void => {
      this.processed(records.at(next), generation, memberId);
      next++;
      if (next >= records.length) return then();
      this.ctx.setTimer(per, "consumer.process", processNext);
    };
    if (next >= records.length) return then();
    this.ctx.setTimer(per, "consumer.process", processNext);
  }

  private processed(record: ConsumedRecord, generation: number, memberId: string): void {
    this.stats.processed++;
    this.observer.processed?.(record, generation, memberId, this.ctx.now);
  }

  /** commitSync of every position; a failed commit is reported (by the consumer) and the loop goes on. */
  private commit(then: () => void): void {
    this.consumer.commitSync((_result: CommitResult) => then());
  }

  private listener(): RebalanceListener {
    if (this.options.commitMode === "auto" || !this.options.commitOnRevoke) return {};
    return { onPartitionsRevoked: (_partitions, done) => this.consumer.commitSync(() => done()) };
  }

  private closeConsumer(): void {
    if (this.closeStarted) return;
    this.closeStarted = true;
    this.consumer.close(() => {
      for (const done of this.whenStopped.splice(0)) done();
    });
  }
}
