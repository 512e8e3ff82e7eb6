import { formatDuration } from "../../../sim/index.ts";
import type { ClusterDescription, GroupDescription, PartitionDescription, TopicDescription } from "./describeCluster.ts";

/**
 * The cluster's state in the layouts Kafka users know: partitions as `kafka-topics.sh
 * --describe` prints them (tab-separated `Key: value` fields, `Leader: none` without a
 * leader, `Offline:` for replicas on brokers that are down) followed by the leader epoch,
 * the leader's HW and LEO and each replica's LEO; groups as `kafka-consumer-groups.sh
 * --describe` (and `--state`); then the controller, the ensemble and the brokers.
 */
export function formatCluster(state: ClusterDescription): string {
  const sections = [
    "$ kafka-topics.sh --describe",
    ...state.topics.flatMap(formatTopic),
    ...state.groups.flatMap((g) => ["", ...formatGroup(g)]),
    "",
    `Controller: ${state.controller ? `broker ${state.controller.broker} (controller epoch ${state.controller.epoch})` : "none (no active controller)"}`,
    `Ensemble:   ${state.ensemble.leader ? `${state.ensemble.leader} leads` : "no leader (no quorum serving)"}; ${state.ensemble.members.map((m) => `${m.name} ${m.mode}`).join(", ")}`,
    `Brokers:    ${state.brokers.map((b) => `${b.id} ${b.state}`).join(", ")}`,
  ];
  return sections.join("\n");
}

export function formatTopic(t: TopicDescription): string[] {
  const configs = Object.entries(t.configs).map(([k, v]) => `${k}=${v}`).join(",");
  return [`Topic: ${t.name}\tPartitionCount: ${t.partitionCount}\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${configs}`, ...t.partitions.map(formatPartition)];
}

export function formatPartition(p: PartitionDescription): string {
  const fields = [
    `Topic: ${p.topic}`,
    `Partition: ${p.partition}`,
    `Leader: ${p.leader ?? "none"}`,
    `Replicas: ${p.replicas.join(",")}`,
    `Isr: ${p.isr.join(",")}`,
    ...(p.offline.length > 0 ? [`Offline: ${p.offline.join(",")}`] : []),
    `LeaderEpoch: ${p.leaderEpoch ?? "-"}`,
    `HW: ${p.highWatermark ?? "-"}`,
    `LEO: ${p.logEndOffset ?? "-"}`,
    `ReplicaLEO: ${p.replicaLogs.map((r) => `${r.broker}:${r.logEndOffset ?? "-"}`).join(",")}`,
  ];
  return `\t${fields.join("\t")}`;
}

export function formatGroup(g: GroupDescription): string[] {
  const lines = [`$ kafka-consumer-groups.sh --describe --group ${g.group} --state`];
  lines.push(
    ...table(
      ["GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "GENERATION", "#MEMBERS"],
      [[g.group, g.coordinator === null ? "-" : `broker-${g.coordinator} (${g.coordinator})`, g.assignor ?? "", g.state, dash(g.generation), String(g.members)]],
    ),
  );
  lines.push("", `$ kafka-consumer-groups.sh --describe --group ${g.group}`);
  // Kafka's own notes above the table.
  if (g.coordinator === null) lines.push(`Error: the coordinator of group '${g.group}' is not available (its __consumer_offsets partition has no leader).`);
  else if (g.state === "Empty" || g.members === 0) lines.push(`Consumer group '${g.group}' has no active members.`);
  else if (g.state !== "Stable") lines.push(`Warning: Consumer group '${g.group}' is rebalancing.`);
  const rows = g.rows.map((r) => [g.group, r.topic, String(r.partition), dash(r.currentOffset), dash(r.logEndOffset), dash(r.lag), r.consumerId ?? "-", r.host ?? "-", r.clientId ?? "-"]);
  lines.push(...table(["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"], rows));
  return lines;
}

/** `12s after the load began (load phase; simulated time 14.2s)`: counted as fault times are. */
export function formatWhen(state: ClusterDescription): string {
  return `${formatDuration(Math.max(0, state.sinceLoadStartMicros))} after the load began (${state.phase} phase; simulated time ${formatDuration(state.atMicros)})`;
}

function dash(n: number | null): string {
  return n === null ? "-" : String(n);
}

/** Columns padded to their widest cell, two spaces apart, as Kafka's tools print them. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}
