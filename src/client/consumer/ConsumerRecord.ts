import type { KafkaRecord } from "../../protocol/records.ts";
import type { ConsumedRecord } from "./Fetcher.ts";

/**
 * A record as poll() hands it out (Kafka's ConsumerRecord): where it sits (topic, partition,
 * offset, the leader epoch it was appended in) and what it holds, in one object that is its
 * own `record`. A consumer hands out as many records as the producers send; a second object
 * per record for the content was half the garbage of consuming.
 */
export class ConsumerRecord implements ConsumedRecord, KafkaRecord {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly leaderEpoch: number,
    readonly key: string | null,
    readonly valueId: number,
    readonly sizeBytes: number,
    readonly createdAtMicros: number,
    readonly payload: unknown,
  ) {}

  get record(): KafkaRecord {
    return this;
  }
}
