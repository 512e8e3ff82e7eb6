import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cli/runScenario.ts";
import { withPlantedBug } from "../../src/protocol/plantedBugs.ts";
import { parseScenario, type Scenario } from "../../src/scenario/index.ts";
import { ksim } from "./ksimProcess.ts";

const SHRINK_TIMEOUT_MS = 90_000;

function load(file: string): Scenario {
  const r = parseScenario(readFileSync(file, "utf8"), file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.scenario;
}

/**
 * A leader crash just after a hiccup kept its followers from fetching (leader-crash-acks1
 * in small), plus what shrink must find irrelevant: a clog between the ensemble and the
 * consumer, a paused consumer, the consumer itself, a second partition.
 */
const NOISY_CRASH = (acks: string): string => `name: noisy-crash
duration: 12s
settle: 20s
network: { latency: 1ms, jitter: 200us }
cluster:
  brokers: 3
  config: { min.insync.replicas: 2, replica.lag.time.max.ms: 5000 }
topics: [{ name: orders, partitions: 2, replication.factor: 3 }]
producers: [{ topic: orders, rate: 200, config: { acks: ${acks} } }]
consumers:
  - { name: app, topic: orders, config: { group.id: billing, auto.offset.reset: earliest } }
faults:
  - { at: 1s, clog: { between: [zk-1, app], delay: 5ms }, for: 1s }
  # the hiccup, then the crash: the story
  - { at: 4800ms, partition: [[followers(orders/0)], [rest]], for: 1s }
  - { at: 5s, crash: leader(orders/0), for: 4s }
  - { at: 7s, pause: app, for: 1s }
`;

const dir = mkdtempSync(join(tmpdir(), "ksim-shrink-"));
/** acks=1 and no expect: losing acknowledged records is a violation (lost-write). */
const acks1 = join(dir, "acks1.yaml");
writeFileSync(acks1, NOISY_CRASH("1"));
/** acks=all with min.insync.replicas=2: passes, unless the ackBeforeIsr bug is planted. */
const acksAll = join(dir, "acks-all.yaml");
writeFileSync(acksAll, NOISY_CRASH("all"));

describe("ksim shrink", () => {
  it(
    "shrinks an acks=1 leader crash to fewer faults and a shorter run that still loses acknowledged records with the same seed",
    () => {
      const out = join(dir, "acks1-small.yaml");
      // 20 runs are enough for what is asserted; the full shrink goes on to settings and fault lengths.
      const r = ksim("shrink", acks1, "--seed", "1", "--out", out, "--json", "--max-runs", "20");
      expect(r.status).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ failure: "lost-write", seed: "1", out, replay: `npx ksim replay ${out} --seed 1` });
      expect(report.runs).toBeGreaterThan(0);
      expect(report.runs).toBeLessThanOrEqual(20);

      const original = load(acks1);
      const small = load(out);
      expect(small.faults.length).toBeLessThan(original.faults.length);
      expect(small.durationMicros).toBeLessThan(original.durationMicros);
      // The irrelevant parts are gone; the crash that loses the records stays.
      expect(small.faults.map((f) => f.verb)).not.toContain("clog");
      expect(small.faults.map((f) => f.verb)).not.toContain("pause");
      expect(small.faults.map((f) => f.verb)).toContain("crash");
      expect(small.consumers).toEqual([]);
      expect(small.topics[0]!.partitions).toBe(1);

      const text = readFileSync(out, "utf8");
      expect(text).toContain("acks: 1"); // the cause stays
      expect(text.split("\n")[0]).toBe(`# Shrunk by ksim shrink from ${acks1} with seed 1 (${report.runs} runs): it still fails with lost-write.`);
      expect(text).toContain(`# Replay: npx ksim replay ${out} --seed 1`);
      expect(ksim("validate", out).status).toBe(0);
      const rerun = ksim("run", out, "--seed", "1", "--json");
      expect(rerun.status).toBe(1);
      expect(JSON.parse(rerun.stdout).violations.map((v: { invariant: string }) => v.invariant)).toContain("lost-write");
    },
    SHRINK_TIMEOUT_MS,
  );

  it(
    "shrinks a run that fails only through a planted bug (test-only --plant-bug) and says what it removed",
    () => {
      const out = join(dir, "planted-small.yaml");
      const r = ksim("shrink", acksAll, "--seed", "1", "--out", out, "--plant-bug", "ackBeforeIsr", "--max-runs", "15");
      expect(r.status).toBe(1);
      expect(r.stdout).toContain("lost-write");
      expect(r.stdout).toContain("removed the fault clog between [zk-1, app]");
      expect(r.stdout).toContain(`replay    npx ksim replay ${out} --seed 1`);

      const small = load(out);
      expect(small.faults.length).toBeLessThan(4);
      // The small scenario fails because of the bug, not by itself.
      const withBug = withPlantedBug("ackBeforeIsr", () => runScenario(small, "1"));
      expect(withBug.violations.map((v) => v.invariant)).toContain("lost-write");
      expect(runScenario(small, "1").violations).toEqual([]);
    },
    SHRINK_TIMEOUT_MS,
  );

  it(
    "the same file and seed shrink to the same file, run for run",
    () => {
      const shrinkTo = (name: string): { report: Record<string, unknown>; text: string } => {
        const out = join(dir, name);
        const r = ksim("shrink", acks1, "--seed", "2", "--out", out, "--max-runs", "3", "--json");
        expect(r.status).toBe(1);
        const { out: _out, replay: _replay, ...report } = JSON.parse(r.stdout);
        return { report, text: readFileSync(out, "utf8").replaceAll(out, "OUT") };
      };
      const first = shrinkTo("same-1.yaml");
      const second = shrinkTo("same-2.yaml");
      expect(first.report.runs).toBe(3);
      expect(second).toEqual(first);
    },
    SHRINK_TIMEOUT_MS,
  );

  it("a seed whose run passes has nothing to shrink: it says so, exits 0 and writes nothing", () => {
    const out = join(dir, "nothing.yaml");
    const r = ksim("shrink", acksAll, "--seed", "1", "--out", out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${acksAll} passes with seed 1: nothing to shrink`);
    expect(existsSync(out)).toBe(false);
  }, SHRINK_TIMEOUT_MS);

  it("bad flags are usage errors: exit 2, the flag named, no stack trace, nothing written", () => {
    const out = join(dir, "never.yaml");
    const cases: [string[], string][] = [
      [[acks1], "--seed"],
      [[acks1, "--seed", "1", "--plant-bug", "noSuchBug", "--out", out], "--plant-bug noSuchBug: no such planted bug"],
      [[acks1, "--seed", "1", "--max-runs", "0", "--out", out], "--max-runs 0"],
      [[acks1, "--seed", "1", "--out", join(dir, "missing", "x.yaml")], "does not exist"],
      [[acks1, "--seed", "1", "--out", acks1], "that is the scenario being shrunk"],
      [[acks1, "--seed", "1", "--bogus"], "unknown option"],
      [[acks1, "--seed", "1", "--invariant", "duplicate", "--out", out], "does not fail with it; it fails with lost-write"],
    ];
    for (const [args, message] of cases) {
      const r = ksim("shrink", ...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(out)).toBe(false);
  }, SHRINK_TIMEOUT_MS);

  it("--help shows the command's options and hides the test-only --plant-bug", () => {
    const r = ksim("shrink", "--help");
    expect(r.status).toBe(0);
    for (const flag of ["--seed", "--out", "--max-runs", "--json"]) expect(r.stdout).toContain(flag);
    expect(r.stdout).not.toContain("plant-bug");
  });
});
