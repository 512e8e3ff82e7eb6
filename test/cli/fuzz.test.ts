import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ksim } from "./ksimProcess.ts";

const dir = mkdtempSync(join(tmpdir(), "ksim-fuzz-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Short runs whose seeds draw settings and faults: some hold, some lose records. */
const swarm = file(
  "swarm.yaml",
  [
    "name: small-swarm",
    "duration: 5s",
    "settle: 15s",
    "cluster: { brokers: 3, config: { min.insync.replicas: [1, 2], replica.lag.time.max.ms: 1s..5s } }",
    "topics: [{ name: orders, partitions: 2, replication.factor: 3 }]",
    "producers: [{ topic: orders, rate: 100, config: { acks: [1, all] } }]",
    "swarm:",
    "  between: 1s..4s",
    "  crash: { nodes: [leader(orders/0), controller], count: 0..2, for: 1s..3s }",
    "  clog: { links: [[broker-1, broker-2]], delay: 5ms..100ms }",
    "  partition: { nodes: [broker-3] }",
    "",
  ].join("\n"),
);

/** leader-crash-acks1.yaml made short: acks=1, followers cut off, then the leader crashes. */
const acks1 = file(
  "acks1.yaml",
  [
    "name: acks1-crash",
    "duration: 6s",
    "settle: 10s",
    "cluster: { brokers: 3 }",
    "topics: [{ name: orders, partitions: 1, replication.factor: 3 }]",
    "producers: [{ topic: orders, rate: 500, config: { acks: 1 } }]",
    "faults:",
    "  - { at: 2800ms, partition: [[followers(orders/0)], [rest]], for: 1s }",
    "  - { at: 3s, crash: leader(orders/0), for: 2s }",
    "",
  ].join("\n"),
);

const calm = file("calm.yaml", "name: calm\nduration: 3s\nsettle: 5s\ntopics: [{ name: orders }]\nproducers: [{ topic: orders, rate: 100, config: { acks: all } }]\n");

describe("ksim fuzz: the same campaign, however it is run", () => {
  let whole: ReturnType<typeof ksim>;
  beforeAll(() => {
    whole = ksim("fuzz", swarm, "--seeds", "6", "--jobs", "2", "--recheck", "50%", "--json");
  });

  it("runs the seeds and reports each seed's fingerprint", () => {
    expect(whole.status, whole.stderr).toBeLessThanOrEqual(1);
    const result = JSON.parse(whole.stdout);
    expect(result).toMatchObject({ scenario: "small-swarm", file: swarm, fromSeed: 1, seeds: 6, shard: null });
    expect(Object.keys(result.fingerprints)).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(result.determinism).toEqual({ rechecked: 3, mismatched: [] });
    expect(whole.stderr).toBe("");
  });

  it("gives the same result with --jobs 1 and --jobs 2", () => {
    const one = ksim("fuzz", swarm, "--seeds", "6", "--jobs", "1", "--recheck", "50%", "--json");
    expect(one.stdout).toBe(whole.stdout);
    expect(one.status).toBe(whole.status);
  });

  it("gives the same result split in two shards and merged", () => {
    const out = join(dir, "shards");
    const a = ksim("fuzz", swarm, "--seeds", "6", "--jobs", "1", "--recheck", "50%", "--shard", "1/2", "--out", out, "--json");
    const b = ksim("fuzz", swarm, "--seeds", "6", "--jobs", "1", "--recheck", "50%", "--shard", "2/2", "--out", out, "--json");
    expect(Object.keys(JSON.parse(a.stdout).fingerprints)).toEqual(["1", "3", "5"]);
    expect(Object.keys(JSON.parse(b.stdout).fingerprints)).toEqual(["2", "4", "6"]);
    expect(JSON.parse(readFileSync(join(out, "small-swarm-fuzz-shard-2-of-2.json"), "utf8"))).toEqual(JSON.parse(b.stdout));
    const merged = ksim("fuzz", "--merge", out, "--json");
    expect(merged.stdout).toBe(whole.stdout);
    expect(merged.status).toBe(whole.status);
  });

  it("runs a seed exactly as ksim run does with that seed, drawn settings and swarm included", () => {
    const fingerprints = JSON.parse(whole.stdout).fingerprints;
    const run = ksim("run", swarm, "--seed", "4", "--json");
    const summary = JSON.parse(run.stdout);
    expect(summary.fingerprint).toBe(fingerprints["4"]);
    expect(Object.keys(summary.drawn.settings)).toEqual(["cluster.config.min.insync.replicas", "cluster.config.replica.lag.time.max.ms", "producers[0].config.acks"]);
    expect(ksim("run", swarm, "--seed", "4").stdout).toMatch(/drawn {5}min\.insync\.replicas=\d \(cluster\)/);
  });
});

describe("ksim fuzz: failures and exit codes", () => {
  it("prints every failing seed with the replay command that reproduces it, and exits 1", () => {
    const r = ksim("fuzz", acks1, "--seeds", "2", "--jobs", "2");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL  seed 1  `);
    expect(r.stdout).toContain(`replay   ksim replay ${acks1} --seed 1`);
    expect(r.stdout).toContain(`replay   ksim replay ${acks1} --seed 2`);
    expect(r.stdout).toMatch(/FAIL {2}2 seeds, 2 failed \(.*lost-write 2/);
    // Not a terminal: plain progress lines on stderr, stdout kept for the result.
    expect(r.stderr).toContain("fuzz: 2/2 seeds, 2 failed");
  });

  it("lists each failure in --json with its invariants and replay command", () => {
    const r = ksim("fuzz", acks1, "--seeds", "1", "--from-seed", "7", "--json");
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ seed: "7", replay: `ksim replay ${acks1} --seed 7` });
    expect(result.failures[0].invariants).toContain("lost-write");
    expect(result.byInvariant["lost-write"]).toBe(1);
  });

  it("exits 0 when every seed holds, and says the re-run seeds matched", () => {
    const r = ksim("fuzz", calm, "--seeds", "2", "--jobs", "1");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("PASS  2 seeds, 0 failed");
    expect(r.stdout).toContain("determinism: 1 seed run twice, same fingerprints");
  });

  it.each([
    [["--jobs", "0"], "--jobs 0"],
    [["--shard", "3/2"], "--shard 3/2"],
    [["--seeds", "5", "--time", "1m"], "not both"],
    [["--recheck", "150%"], "--recheck 150%"],
    [["--bogus"], "unknown option"],
  ])("a bad flag (%j) is a usage error naming it: exit 2", (flags, message) => {
    const r = ksim("fuzz", calm, ...flags);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a bad range or swarm entry exits 2 naming the file, line and field", () => {
    const bad = file("bad-swarm.yaml", "duration: 5s\nproducers: [{ config: { acks: [1, al] } }]\nswarm:\n  crash: { nodes: [broker-7] }\n");
    const r = ksim("fuzz", bad, "--seeds", "1");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:35: producers[0].config.acks[1]: option 2 of acks: expected all, -1, 0 or 1, got "al" (did you mean "all"?)`);
    expect(r.stderr).toContain(`${bad}:4:20: swarm.crash.nodes[0]: there is no broker-7`);
  });

  it("--merge refuses a shard given twice and files that are not fuzz results", () => {
    const out = join(dir, "twice");
    ksim("fuzz", calm, "--seeds", "2", "--shard", "1/2", "--out", out, "--json");
    const copy = file("copy.json", readFileSync(join(out, "calm-fuzz-shard-1-of-2.json"), "utf8"));
    const twice = ksim("fuzz", "--merge", out, copy);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain("shard 1/2 is also in");
    const notResult = ksim("fuzz", "--merge", file("other.json", '{"runs": []}'));
    expect(notResult.status).toBe(2);
    expect(notResult.stderr).toContain("not a ksim fuzz result");
  });
});

describe("ksim run --check-determinism", () => {
  it("runs the scenario twice and passes when both runs end with the same fingerprint", () => {
    const text = ksim("run", swarm, "--seed", "2", "--check-determinism");
    expect(text.stdout).toContain("twice     a second run ended with the same fingerprint");
    const json = JSON.parse(ksim("run", calm, "--check-determinism", "--json").stdout);
    expect(json.determinism).toEqual({ same: true, secondFingerprint: json.fingerprint });
    expect(json.ok).toBe(true);
  });
});
