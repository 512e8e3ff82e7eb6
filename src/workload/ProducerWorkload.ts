import type { Message, Micros, NodeContext, Process } from "../../sim/index.ts";
import { KafkaProducer, type ProducerObserver } from "../client/producer/KafkaProducer.ts";
import type { ProducerOptions } from "../client/producer/ProducerOptions.ts";
import { utf8Length } from "../client/partitioner/murmur2.ts";
import { MaxRateLoop } from "./MaxRateLoop.ts";
import { keyPicker, UNIFORM_KEYS, type KeyDistribution, type KeyPicker } from "./KeyDistribution.ts";

export interface ProducerLoad {
  readonly topic: string;
  /**
   * Records per second; Infinity (`rate: max`) sends as fast as the producer accepts: a
   * closed loop, like kafka-producer-perf-test with --throughput -1 (see MaxRateLoop).
   */
  readonly ratePerSec: number;
  /** Poisson arrivals at that mean rate instead of evenly spaced ones. */
  readonly poisson: boolean;
  readonly messageSizeBytes: number;
  /** Distinct keys, or null for keyless records. */
  readonly keys: number | null;
  /** How keys are drawn among them (uniformly unless given). */
  readonly keyDistribution?: KeyDistribution;
  /** No record is sent at or after this time (the liveness phase sends nothing). */
  readonly stopAtMicros: Micros;
}

/** Value ids: the producer's number in the high digits keeps them unique across the run. */
export const VALUES_PER_PRODUCER = 1_000_000_000;

/** Up to this many keys, a workload makes each key's name once and sends that string again. */
const MAX_CACHED_KEY_NAMES = 65_536;

/**
 * A load generator driving one Kafka producer: records at a constant or Poisson rate,
 * keyless or keyed (uniformly or Zipf-skewed), each with a value id unique in the run so
 * that checkers can follow it from send to log.
 */
export class ProducerWorkload implements Process {
  readonly producer: KafkaProducer;
  private sequence = 0;
  private readonly pickKey: KeyPicker | null;
  /**
   * Key names by key number, each made at its first send: a keyed load sends the same few
   * names again and again, and one string per name also keeps its hash (computed once) for
   * the maps that look keys up (the history's key table). Null: too many keys to keep.
   */
  private readonly keyNames: (string | undefined)[] | null;
  /** The UTF-8 length of each name in keyNames, counted with it (the producer needs it per send). */
  private readonly keyNameBytes: number[] | null;
  private readonly maxRate: MaxRateLoop | null;

  constructor(
    private readonly ctx: NodeContext,
    /** 1-based; value ids are index * VALUES_PER_PRODUCER + sequence. */
    readonly index: number,
    private readonly load: ProducerLoad,
    options: Partial<ProducerOptions>,
    observer?: ProducerObserver,
  ) {
    this.producer = new KafkaProducer(ctx, options, { observer });
    this.pickKey = load.keys === null ? null : keyPicker(load.keys, load.keyDistribution ?? UNIFORM_KEYS);
    this.keyNames = load.keys !== null && load.keys <= MAX_CACHED_KEY_NAMES ? new Array<string | undefined>(load.keys) : null;
    this.keyNameBytes = this.keyNames === null ? null : new Array<number>(this.keyNames.length).fill(0);
    this.maxRate = load.ratePerSec === Infinity ? new MaxRateLoop(ctx, this.producer, load.stopAtMicros, () => this.sendOne()) : null;
  }

  start(): void {
    this.producer.start();
    if (this.maxRate !== null) this.maxRate.start();
    else this.scheduleNext();
  }

  receive(from: string, message: Message): void {
    if (this.producer.handles(from, message)) this.producer.receive(from, message);
  }

  connectionReset(peer: string): void {
    this.producer.connectionReset(peer);
  }

  private scheduleNext(): void {
    const meanMicros = 1_000_000 / this.load.ratePerSec;
    const gap = this.load.poisson ? Math.round(this.ctx.random.exponential(meanMicros)) : Math.round(meanMicros);
    if (this.ctx.now + gap >= this.load.stopAtMicros) return;
    this.ctx.setTimer(gap, "workload.send", this.sendAndScheduleNext);
  }

  /** The send timer's callback, made once: a timer per record, but no closure per record. */
  private readonly sendAndScheduleNext = (): void => {
    this.sendOne();
    this.scheduleNext();
  };

  private sendOne(): void {
    let key: string | null = null;
    let keyBytes = 0;
    if (this.pickKey !== null) {
      const n = this.pickKey(this.ctx.random);
      key = this.keyName(n);
      keyBytes = this.keyNameBytes === null ? utf8Length(key) : this.keyNameBytes[n]!;
    }
    const valueId = this.index * VALUES_PER_PRODUCER + this.sequence++;
    this.producer.sendRecord(this.load.topic, key, valueId, this.load.messageSizeBytes, this.maxRate?.completed, keyBytes);
  }

  /** Key number n's name (kept, with its UTF-8 length, when there are few enough keys). */
  private keyName(n: number): string {
    if (this.keyNames === null) return `key-${n}`;
    let name = this.keyNames[n];
    if (name === undefined) {
      name = `key-${n}`;
      this.keyNames[n] = name;
      this.keyNameBytes![n] = utf8Length(name);
    }
    return name;
  }
}
