import type { Message, NodeContext, Process } from "../../sim/index.ts";
import { CoordClient } from "../coord/client/CoordClient.ts";
import type { MemberToClient } from "../coord/messages.ts";
import { assignReplicasToBrokers } from "../broker/admin/assignReplicas.ts";
import { decode, encode, ZK, ZK_ROOTS, type TopicAssignment } from "../broker/zk/paths.ts";
import { ZkCalls } from "../broker/zk/ZkCalls.ts";

export interface TopicToCreate {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/**
 * What `kafka-topics.sh --create` did in ZooKeeper mode: once the brokers have registered,
 * write each topic's replica assignment under /brokers/topics; the controller sees the
 * new topic and elects its first leaders. Runs on its own node, as an admin tool would.
 */
export class AdminProcess implements Process {
  private readonly zkClient: CoordClient;
  private readonly zk: ZkCalls;
  private done = false;

  constructor(
    private readonly ctx: NodeContext,
    ensemble: readonly string[],
    private readonly brokers: number,
    private readonly topics: readonly TopicToCreate[],
    private readonly onCreated: () => void = () => {},
  ) {
    this.zkClient = new CoordClient(ctx, { members: ensemble, sessionTimeoutMicros: 30_000_000 });
    this.zk = new ZkCalls(ctx, () => this.zkClient, () => this.zkClient.state !== "expired");
  }

  start(): void {
    this.zkClient.start();
    this.createRoots([...ZK_ROOTS], () => this.waitForBrokers());
  }

  receive(from: string, message: Message): void {
    if (this.zkClient.isMember(from)) this.zkClient.receive(from, message as MemberToClient);
  }

  connectionReset(peer: string): void {
    if (this.zkClient.isMember(peer)) this.zkClient.connectionReset(peer);
  }

  private createRoots(paths: string[], then: () => void): void {
    const path = paths.shift();
    if (path === undefined) return then();
    this.zk.create(path, "", {}, () => this.createRoots(paths, then));
  }

  /** Kafka assigns replicas among registered brokers: wait until all have registered. */
  private waitForBrokers(): void {
    if (this.done) return;
    this.zk.getChildren(ZK.brokerIds, () => this.waitForBrokers(), (ids) => {
      if (this.done || ids.length < this.brokers) return;
      this.done = true;
      const brokerIds = ids.map(Number).sort((a, b) => a - b);
      this.createTopics([...this.topics], brokerIds);
    });
  }

  /**
   * `kafka-topics.sh --alter --partitions`: grows a topic's assignment in place (the
   * controller's watch on the topic sees the new partitions). Never shrinks one.
   */
  addPartitions(topic: string, total: number): void {
    this.zk.getChildren(ZK.brokerIds, null, (ids) => {
      const brokerIds = ids.map(Number).sort((a, b) => a - b);
      this.zk.getData(ZK.topic(topic), null, (node) => {
        if (!node) return;
        const current = decode<TopicAssignment>(node.data);
        const existing = Object.keys(current.partitions).length;
        if (total <= existing || brokerIds.length === 0) {
          this.ctx.record("admin.add-partitions-refused", { topic, total, existing });
          return;
        }
        const first = current.partitions["0"]!;
        const start = Math.max(0, brokerIds.findIndex((b) => b >= first[0]!));
        const added = assignReplicasToBrokers(brokerIds, total - existing, first.length, this.ctx.random, existing, start);
        const partitions = { ...current.partitions };
        added.forEach((replicas, i) => (partitions[String(existing + i)] = replicas));
        this.ctx.record("admin.add-partitions", { topic, total, added });
        this.zk.setData(ZK.topic(topic), encode({ partitions } satisfies TopicAssignment), node.version, () => {});
      });
    });
  }

  private createTopics(topics: TopicToCreate[], brokerIds: number[]): void {
    const topic = topics.shift();
    if (!topic) {
      this.ctx.record("admin.topics-created", {});
      this.onCreated();
      return;
    }
    const replicas = assignReplicasToBrokers(brokerIds, topic.partitions, topic.replicationFactor, this.ctx.random);
    const assignment: TopicAssignment = { partitions: Object.fromEntries(replicas.map((r, p) => [String(p), r])) };
    this.ctx.record("admin.create-topic", { topic: topic.name, assignment: replicas });
    this.zk.create(ZK.topic(topic.name), encode(assignment), {}, () => this.createTopics(topics, brokerIds));
  }
}
