import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ksim } from "./ksimProcess.ts";

const dir = mkdtempSync(join(tmpdir(), "ksim-compare-"));
/** leader-crash.yaml in short: a hiccup keeps the followers of orders/0 from fetching, then its leader crashes. */
const crash = join(dir, "short-leader-crash.yaml");
writeFileSync(
  crash,
  [
    "name: short-leader-crash",
    "duration: 12s",
    "settle: 20s",
    "cluster: { brokers: 3, ensemble: 1, config: { min.insync.replicas: 2, zookeeper.session.timeout.ms: 6000 } }",
    "network: { latency: 1ms, jitter: 200us }",
    "topics: [{ name: orders, partitions: 2, replication.factor: 3 }]",
    "producers: [{ topic: orders, rate: 500, keys: 100, config: { acks: all } }]",
    "faults:",
    "  - { at: 4800ms, partition: [[followers(orders/0)], [rest]], for: 1s }",
    "  - { at: 5s, crash: leader(orders/0), for: 5s }",
    "",
  ].join("\n"),
);
const tiny = join(dir, "tiny.yaml");
writeFileSync(tiny, "name: tiny\nduration: 2s\nsettle: 5s\ncluster: { ensemble: 1 }\ntopics: [{ name: orders }]\nproducers: [{ topic: orders, rate: 100 }]\n");

describe("ksim compare", () => {
  it("what acks=1 costs in a leader crash: it loses acknowledged records, acks=all loses none; the table and report say so", () => {
    const out = join(dir, "report");
    const r = ksim("compare", crash, "--vary", "acks=1,all", "--seeds", "2", "--out", out);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines.find((l) => l.startsWith("acks "))!;
    expect(header.split(/\s{2,}/)).toEqual(["acks", "acked/s", "produce p50 ms", "produce p99 ms", "lost (seeds)", "duplicated (seeds)", "unavailable s", "longest s", "violations (seeds)"]);
    expect(lines.find((l) => l.startsWith("1 "))).toMatch(/\s[1-9]\d* \(2\/2\)\s/);
    expect(lines.find((l) => l.startsWith("all "))).toMatch(/\s0 \(0\/2\)\s/);

    const json = JSON.parse(readFileSync(join(out, "compare.json"), "utf8"));
    expect(json.seeds).toEqual(["1", "2"]);
    const [one, all] = json.rows;
    expect(one.settings).toEqual({ acks: "1" });
    expect(all.settings).toEqual({ acks: "all" });
    expect(one.lostAcked.seeds).toBe(2);
    expect(one.violations["lost-write"]).toBe(2);
    expect(all.lostAcked.total).toBe(0);
    expect(all.violations["lost-write"]).toBeUndefined();
    // The crash leaves orders/0 without a leader for about the 6 s session (and the election): in both rows.
    for (const row of json.rows) {
      expect(row.unavailableMs.min).toBeGreaterThan(4_000);
      expect(row.longestUnavailableMs.max).toBeLessThan(9_000);
    }
    // acks=1 answers at the leader's append; acks=all waits for the ISR (and waits out the crash).
    expect(one.produceLatencyMs.p50.median).toBeLessThan(all.produceLatencyMs.p50.median);
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("| acks | acked/s |");

    // The acks=all row is the run `ksim run` makes of the file (which says acks: all), seed for seed.
    const run = JSON.parse(ksim("run", crash, "--seed", "2", "--json").stdout);
    expect(all.seeds[1].fingerprint).toBe(run.fingerprint);
  });

  it("--json prints {rows: [{settings, ...figures}]}, one row per combination of the cross product, the same with --jobs 1 and 2", () => {
    const r = ksim("compare", tiny, "--vary", "acks=0,1", "--vary", "linger.ms=0,5", "--seeds", "1", "--json", "--jobs", "2");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(ksim("compare", tiny, "--vary", "acks=0,1", "--vary", "linger.ms=0,5", "--seeds", "1", "--json", "--jobs", "1").stdout).toBe(r.stdout);
    const json = JSON.parse(r.stdout);
    expect(json.rows.map((row: { settings: object }) => row.settings)).toEqual([
      { acks: "0", "linger.ms": "0" },
      { acks: "0", "linger.ms": "5" },
      { acks: "1", "linger.ms": "0" },
      { acks: "1", "linger.ms": "5" },
    ]);
    for (const row of json.rows) {
      expect(row.runs).toBe(1);
      expect(row.throughput.median).toBeGreaterThan(0);
      expect(row.unavailableMs).toEqual({ median: 0, min: 0, max: 0 });
      expect(row.violations).toEqual({});
    }
  });

  it("an unknown key, a bad value or an impossible shape is a usage error naming the --vary flag, and nothing runs or is written", () => {
    const out = join(dir, "never");
    const unknown = ksim("compare", tiny, "--vary", "acsk=1,all", "--out", out);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("--vary acsk=1,all: unknown key acsk");
    expect(unknown.stderr).toContain('did you mean "acks"?');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const bad = ksim("compare", tiny, "--vary", "acks=1,2");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--vary acks=1,2: acks=2: expected all, -1, 0 or 1, got "2"');
    const shape = ksim("compare", tiny, "--vary", "replication.factor=1,5", "--out", out);
    expect(shape.status).toBe(2);
    expect(shape.stderr).toContain("replication factor 5 is larger than the number of brokers");
    expect(existsSync(out)).toBe(false);
    expect(ksim("compare", tiny).status).toBe(2);
  });
});
