import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ksim } from "./ksimProcess.ts";

const dir = mkdtempSync(join(tmpdir(), "ksim-replay-"));
/** One partition on three brokers; its leader crashes at 2s; a 6 s session lets the controller move it by about 8s. */
const crash = join(dir, "crash.yaml");
writeFileSync(
  crash,
  [
    "name: crash",
    "duration: 12s",
    "settle: 20s",
    "cluster: { brokers: 3, ensemble: 1, config: { min.insync.replicas: 2, zookeeper.session.timeout.ms: 6000 } }",
    "topics: [{ name: orders, partitions: 1, replication.factor: 3 }, { name: single, partitions: 1, replication.factor: 1 }]",
    "producers: [{ topic: orders, rate: 200 }]",
    "consumers: [{ name: app, topic: orders, count: 1, config: { group.id: billing } }]",
    "faults: [{ at: 2s, crash: leader(orders/0), for: 20s }]",
    "",
  ].join("\n"),
);

/** The `Topic: orders  Partition: 0 ...` line's fields, by name. */
function partitionLine(stdout: string, topic: string, partition: number): Record<string, string> {
  const line = stdout.split("\n").find((l) => l.startsWith(`\tTopic: ${topic}\tPartition: ${partition}\t`));
  expect(line, `no describe line for ${topic}/${partition} in:\n${stdout}`).toBeDefined();
  return Object.fromEntries(line!.trim().split("\t").map((f) => f.split(": ") as [string, string]));
}

describe("ksim replay", () => {
  it("replays the run `ksim run` makes of a file and seed: the same summary and fingerprint, with the trace written", () => {
    const trace = join(dir, "t.jsonl");
    const run = ksim("run", crash, "--seed", "3", "--json");
    const replay = ksim("replay", crash, "--seed", "3", "--json", "--trace", trace);
    expect(replay.status).toBe(run.status);
    const a = JSON.parse(run.stdout);
    const b = JSON.parse(replay.stdout);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b).toEqual(a);
    expect(existsSync(trace)).toBe(true);
    expect(readFileSync(trace, "utf8").split("\n").length).toBeGreaterThan(1000);
  });

  it("--until stops in the load phase and prints the partitions as kafka-topics.sh does: another leader after the crash", () => {
    const before = ksim("replay", crash, "--seed", "3", "--until", "1s");
    expect(before.status).toBe(0);
    const first = partitionLine(before.stdout, "orders", 0);
    expect(first.Leader).toMatch(/^[123]$/);
    expect(first.Replicas!.split(",").sort()).toEqual(["1", "2", "3"]);
    expect(first.Isr!.split(",")).toHaveLength(3);
    expect(first.Offline).toBeUndefined();

    const after = ksim("replay", crash, "--seed", "3", "--until", "10s");
    expect(after.status).toBe(0);
    expect(after.stdout).toContain("the cluster at 10s after the load began (load phase; simulated time");
    const moved = partitionLine(after.stdout, "orders", 0);
    expect(moved.Leader).toMatch(/^[123]$/);
    expect(moved.Leader).not.toBe(first.Leader);
    expect(moved.Offline).toBe(first.Leader);
    expect(moved.Isr!.split(",")).not.toContain(first.Leader);
    expect(Number(moved.LeaderEpoch)).toBeGreaterThan(Number(first.LeaderEpoch));
    expect(Number(moved.HW)).toBeGreaterThan(0);
    // The broker of the topic with one replica: no leader while it is down when it was the crashed one.
    const single = partitionLine(after.stdout, "single", 0);
    if (single.Replicas === first.Leader) expect(single.Leader).toBe("none");
    expect(after.stdout).toContain(`Brokers:    ${[1, 2, 3].map((b) => `${b} ${String(b) === first.Leader ? "down" : "up"}`).join(", ")}`);
    expect(after.stdout).toMatch(/Controller: broker [123] \(controller epoch \d+\)/);
    expect(after.stdout).toMatch(/Ensemble: +zk-1 leads/);
  });

  it("--until prints the group as kafka-consumer-groups.sh does, with Kafka-style consumer ids", () => {
    // In the liveness phase (after the 12 s load), once the group has settled.
    const r = ksim("replay", crash, "--seed", "3", "--until", "20s");
    expect(r.stdout).toMatch(/\nbilling +broker-\d \(\d\) +range +Stable +\d+ +1\n/);
    const lines = r.stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("GROUP ") && l.includes("CURRENT-OFFSET"));
    expect(lines[header]!.split(/\s+/)).toEqual(["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"]);
    const row = lines[header + 1]!.split(/\s+/);
    expect(row.slice(0, 3)).toEqual(["billing", "orders", "0"]);
    expect(row[6]).toMatch(/^consumer-billing-1-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(row[7]).toBe("/app");
  });

  it("--until --json gives the state as data; a bad --until is a usage error", () => {
    const r = ksim("replay", crash, "--seed", "3", "--until", "10s", "--json");
    const out = JSON.parse(r.stdout);
    expect(out.stopped).toBe(true);
    expect(out.state.sinceLoadStartMicros).toBe(10_000_000);
    expect(out.state.topics[0].partitions[0].leader).toBeGreaterThan(0);
    const bad = ksim("replay", crash, "--seed", "3", "--until", "ten");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--until ten");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(ksim("replay", crash).status).toBe(2); // --seed is required
  });
});
