/**
 * The stories issue 7 added to the library, each checked for its mechanism, not only its
 * verdict: who was cut off, whose session expired, which controller took over, where the
 * records went. (scenario-library-a/b run every file for the verdict and determinism.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../sim/index.ts";
import { runScenario, type RunSummary } from "../../src/cli/runScenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";
import { VALUES_PER_PRODUCER } from "../../src/workload/ProducerWorkload.ts";
import { libraryFiles, SCENARIO_DIR } from "./library.ts";

/** Trace kinds the stories are told by (the rest is not kept). */
const STORY_KINDS = new Set([
  "partition",
  "heal",
  "crash",
  "restart",
  "zab.session-expired",
  "zab.serving",
  "controller.failover",
  "controller.broker-change",
  "controller.leadership",
  "broker.registered",
  "broker.isr-shrink",
  "broker.leader",
  "broker.truncate",
]);

interface StoryRun {
  readonly summary: RunSummary;
  readonly events: TraceEvent[];
  /** Records in each partition's final committed log (`orders-0` -> count). */
  readonly committedPerPartition: Map<string, number>;
  /** How many values are in the final committed logs more than once, by the number of the producer that sent them (1, 2, ...). */
  readonly duplicatesByProducer: Map<number, number>;
}

function story(file: string, seed = "1", edit: (text: string) => string = (t) => t): StoryRun {
  const text = edit(readFileSync(`${SCENARIO_DIR}${file}`, "utf8"));
  const parsed = parseScenario(text, `scenarios/${file}`);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("\n"));
  const events: TraceEvent[] = [];
  const committedPerPartition = new Map<string, number>();
  const duplicatesByProducer = new Map<number, number>();
  const summary = runScenario(parsed.scenario, seed, (e) => STORY_KINDS.has(e.kind) && events.push(e), (world) => {
    for (const [partition, values] of world.committedValues()) {
      committedPerPartition.set(partition, values?.size ?? 0);
      for (const [valueId, offsets] of values ?? []) {
        const producer = Math.floor(valueId / VALUES_PER_PRODUCER);
        if (offsets.length > 1) duplicatesByProducer.set(producer, (duplicatesByProducer.get(producer) ?? 0) + 1);
      }
    }
  });
  return { summary, events, committedPerPartition, duplicatesByProducer };
}

const RUN_TIMEOUT_MS = 120_000;
const of = (run: StoryRun, kind: string): TraceEvent[] => run.events.filter((e) => e.kind === kind);
const brokerId = (node: string): number => Number(node.replace("broker-", ""));
const failedExpectations = (s: RunSummary): string[] => s.expectations.filter((e) => !e.ok).map((e) => `${e.text}, got ${e.actual}`);

/** The verdict holds: bootstrapped, every stated expectation met (or no violation at all). */
function expectPass(s: RunSummary): void {
  expect(s.bootstrapped).toBe(true);
  expect(failedExpectations(s)).toEqual([]);
  expect(s.ok).toBe(true);
}

describe("scenario library: the stories of issue 7 are all there", () => {
  it("holds the eight new stories", () => {
    const names = ["network-partition", "ensemble-quorum-loss", "controller-failover", "broker-session-expiry", "lossy-crash", "partition-skew", "partition-count-failover", "producer-retry-duplicates"];
    for (const name of names) expect(libraryFiles()).toContain(`${name}.yaml`);
  });

  it("each of them starts with a comment telling its story", () => {
    for (const name of ["network-partition", "ensemble-quorum-loss", "controller-failover", "broker-session-expiry", "lossy-crash", "partition-skew", "partition-count-failover", "producer-retry-duplicates"]) {
      const first = readFileSync(`${SCENARIO_DIR}${name}.yaml`, "utf8").split("\n")[0]!;
      expect(first, name).toMatch(/^# [A-Z]/);
    }
  });
});

describe("scenario library: network-partition.yaml", () => {
  it("the cut-off leader's session expires, its partitions get leaders from the ISR, and after the heal it registers again; nothing lost", { timeout: RUN_TIMEOUT_MS }, () => {
    for (const seed of ["1", "2"]) {
      const run = story("network-partition.yaml", seed);
      expectPass(run.summary);
      expect(run.summary.lostAcked).toBe(0);
      const cut = (of(run, "partition")[0]!.groups as string[][])[0]![0]!;
      const healAt = of(run, "heal")[0]!.at;
      const change = of(run, "controller.broker-change").find((e) => (e.dead as number[]).includes(brokerId(cut)));
      expect(change, "the controller saw the cut-off broker go").toBeDefined();
      expect(change!.at).toBeLessThan(healAt);
      const moved = of(run, "controller.leadership").filter((e) => e.at > change!.at && e.at < healAt);
      expect(moved.length).toBeGreaterThan(0);
      for (const e of moved) {
        expect(e.leader).not.toBe(brokerId(cut));
        expect(e.unclean).toBe(false);
      }
      expect(of(run, "broker.registered").some((e) => e.node === cut && e.at > healAt)).toBe(true);
    }
  });
});

describe("scenario library: ensemble-quorum-loss.yaml", () => {
  it("without a quorum the ISR shrink cannot be written: the leader keeps its cached ISR and acks=all waits for the ensemble; nothing lost", { timeout: RUN_TIMEOUT_MS }, () => {
    for (const seed of ["1", "2"]) {
      const run = story("ensemble-quorum-loss.yaml", seed);
      expectPass(run.summary);
      const [down, back] = [of(run, "crash")[0]!.at, of(run, "restart")[0]!.at];
      // A leader tried to shrink its ISR while the ensemble had no quorum...
      expect(of(run, "broker.isr-shrink").some((e) => e.at > down && e.at < back)).toBe(true);
      // ...and no leadership or ISR was written meanwhile (the controller could not either).
      expect(of(run, "controller.leadership").filter((e) => e.at > down && e.at < back)).toEqual([]);
      // The writes waiting on the lost follower were acknowledged only once a quorum was back: seconds late.
      expect(run.summary.produceLatencyMs.max).toBeGreaterThan(3_000);
      expect(run.summary.failed).toBe(0);
    }
  });
});

describe("scenario library: controller-failover.yaml", () => {
  it("another broker wins the controller election with a new epoch and moves the dead controller's leaderships; nothing lost", { timeout: RUN_TIMEOUT_MS }, () => {
    for (const seed of ["1", "2"]) {
      const run = story("controller-failover.yaml", seed);
      expectPass(run.summary);
      const crashed = of(run, "crash")[0]!;
      const [first, takeover] = [of(run, "controller.failover")[0]!, of(run, "controller.failover").find((e) => e.at > crashed.at)];
      expect(first.node, "the crash hit the controller").toBe(crashed.node);
      expect(takeover, "a new controller").toBeDefined();
      expect(takeover!.node).not.toBe(crashed.node);
      expect(takeover!.epoch).toBeGreaterThan(first.epoch as number);
      const moved = of(run, "controller.leadership").filter((e) => e.node === takeover!.node && e.at > takeover!.at);
      expect(moved.length).toBeGreaterThan(0);
      for (const e of moved) expect(e.leader).not.toBe(brokerId(crashed.node!));
    }
  });
});

describe("scenario library: broker-session-expiry.yaml", () => {
  it("a leader cut off from the ensemble only is declared dead, its partitions move, it re-registers after the heal; nothing lost", { timeout: RUN_TIMEOUT_MS }, () => {
    for (const seed of ["1", "2"]) {
      const run = story("broker-session-expiry.yaml", seed);
      expectPass(run.summary);
      const cut = (of(run, "partition")[0]!.groups as string[][])[0]![0]!;
      const healAt = of(run, "heal")[0]!.at;
      expect(of(run, "zab.session-expired").some((e) => e.at < healAt)).toBe(true);
      const change = of(run, "controller.broker-change").find((e) => (e.dead as number[]).includes(brokerId(cut)));
      expect(change!.at).toBeLessThan(healAt);
      expect(of(run, "broker.leader").some((e) => e.node !== cut && e.at > change!.at && e.at < healAt)).toBe(true);
      expect(of(run, "broker.registered").some((e) => e.node === cut && e.at > healAt)).toBe(true);
    }
  });
});

describe("scenario library: lossy-crash.yaml", () => {
  it("a power loss of every machine loses acknowledged records, on every seed tried: nothing was fsynced", { timeout: RUN_TIMEOUT_MS }, () => {
    for (const seed of ["1", "2"]) {
      const run = story("lossy-crash.yaml", seed);
      expectPass(run.summary);
      expect(run.summary.lostAcked).toBeGreaterThan(0);
      // What was lost is what was acknowledged before the crash (the load goes on after it).
      expect(run.summary.lostAcked).toBeLessThan(run.summary.acked);
      expect(run.summary.violations.map((v) => v.invariant)).toContain("leader-completeness");
    }
  });
});

describe("scenario library: partition-skew.yaml", () => {
  it("Zipf-distributed keys put about a third of the records on one partition of six; uniform keys spread them evenly", { timeout: RUN_TIMEOUT_MS }, () => {
    const run = story("partition-skew.yaml");
    expectPass(run.summary);
    const counts = [...run.committedPerPartition.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    expect(counts).toHaveLength(6);
    expect(total).toBe(run.summary.acked);
    expect(counts[0]! / total).toBeGreaterThan(0.25);
    expect(counts[0]!).toBeGreaterThan(2 * counts[3]!); // the hottest against the median
    expect(counts[0]!).toBeGreaterThan(4 * counts[5]!); // and against the coldest

    const uniform = story("partition-skew.yaml", "1", (t) => t.replace(/keys: \{[^}]*\}/, "keys: 1000"));
    const even = [...uniform.committedPerPartition.values()].sort((a, b) => b - a);
    expect(even[0]! / even[5]!).toBeLessThan(1.4);
  });
});

describe("scenario library: partition-count-failover.yaml", () => {
  it("the controller writes each of the 100 partitions' new state to the ensemble, pipelined, and the new leaders start together after the last", { timeout: RUN_TIMEOUT_MS }, () => {
    const run = story("partition-count-failover.yaml");
    expectPass(run.summary);
    const crashed = brokerId(of(run, "crash")[0]!.node!);
    const change = of(run, "controller.broker-change").find((e) => (e.dead as number[]).includes(crashed))!;
    const writes = of(run, "controller.leadership").filter((e) => e.at > change.at && e.at < change.at + 10_000_000);
    // Every partition had a replica on the dead broker: led ones get a leader, the others lose it from their ISR.
    expect(new Set(writes.map((e) => e.partition)).size).toBe(100);
    for (let i = 1; i < writes.length; i++) expect(writes[i]!.at).toBeGreaterThanOrEqual(writes[i - 1]!.at);
    const starts = of(run, "broker.leader").filter((e) => e.at > change.at);
    expect(starts.length).toBeGreaterThan(0);
    for (const e of starts) expect(e.at).toBeGreaterThanOrEqual(writes.at(-1)!.at);
  });
});

describe("scenario library: producer-retry-duplicates.yaml", () => {
  const duplicatedBy = (run: StoryRun): number[] => [...run.duplicatesByProducer.keys()].sort();

  it("after the same lost answers, only the producer without idempotence wrote duplicates", { timeout: RUN_TIMEOUT_MS }, () => {
    const run = story("producer-retry-duplicates.yaml");
    expectPass(run.summary);
    expect(run.summary.duplicated).toBeGreaterThan(0);
    expect(duplicatedBy(run)).toEqual([1]); // producer 1 is `plain`
    expect(run.duplicatesByProducer.get(1)).toBe(run.summary.duplicated);
  });

  it("turn idempotence off on the second producer too and it writes duplicates as well: it had resent its batches", { timeout: RUN_TIMEOUT_MS }, () => {
    const run = story("producer-retry-duplicates.yaml", "1", (t) => t.replace("enable.idempotence: true", "enable.idempotence: false"));
    expect(duplicatedBy(run)).toEqual([1, 2]);
  });
});
