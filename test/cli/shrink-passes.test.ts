import { describe, expect, it } from "vitest";
import { formatDuration } from "../../sim/index.ts";
import type { RunSummary } from "../../src/cli/runScenario.ts";
import { lowerBrokers } from "../../src/cli/shrink/reduceNodes.ts";
import { removeFaults } from "../../src/cli/shrink/removeFaults.ts";
import { removeSettings } from "../../src/cli/shrink/removeSettings.ts";
import { ScenarioDoc } from "../../src/cli/shrink/ScenarioDoc.ts";
import type { Edit, Variant, VariantSearch } from "../../src/cli/shrink/Shrinker.ts";
import { shortenDuration } from "../../src/cli/shrink/shortenTime.ts";
import { startingPoint } from "../../src/cli/shrink/startingPoint.ts";
import { runScenario } from "../../src/cli/runScenario.ts";
import { parseScenario, type Scenario } from "../../src/scenario/index.ts";

/**
 * The passes against a stand-in for the runs: a candidate "still fails" when `fails` says
 * so of the loaded scenario. Candidates still go through the real loader, so an edit that
 * leaves an invalid file is refused as it would be in a real shrink.
 */
class Oracle implements VariantSearch {
  readonly target = { name: "lost-write", mustRecover: true };
  readonly exhausted = false;
  tries = 0;
  refused = 0;
  best: Variant;

  constructor(
    yaml: string,
    private readonly fails: (s: Scenario) => boolean,
  ) {
    this.best = { doc: ScenarioDoc.parse(yaml)!, scenario: load(yaml), summary: null as unknown as RunSummary };
  }

  attempt(_what: string, edit: Edit): boolean {
    const doc = this.best.doc.clone();
    if (!edit(doc, this.best.scenario)) return false;
    const loaded = parseScenario(doc.text(), "candidate.yaml");
    if (!loaded.ok) {
      this.refused++;
      return false;
    }
    this.tries++;
    if (!this.fails(loaded.scenario)) return false;
    this.best = { doc, scenario: loaded.scenario, summary: this.best.summary };
    return true;
  }
}

function load(yaml: string): Scenario {
  const r = parseScenario(yaml, "candidate.yaml");
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.scenario;
}

const faultTimes = (s: Scenario): string[] => s.faults.map((f) => formatDuration(f.at));

describe("shrink passes", () => {
  it("delta debugging keeps exactly the two faults out of eight that the failure needs, in a bounded number of runs", () => {
    const faults = Array.from({ length: 8 }, (_, i) => `  - { at: ${i + 1}s, pause: broker-${(i % 3) + 1}, for: 500ms }`).join("\n");
    const oracle = new Oracle(`duration: 10s\nfaults:\n${faults}\n`, (s) => faultTimes(s).includes("3s") && faultTimes(s).includes("6s"));
    expect(removeFaults(oracle)).toBe(true);
    expect(faultTimes(oracle.best.scenario)).toEqual(["3s", "6s"]);
    expect(oracle.tries).toBeLessThanOrEqual(16);
  });

  it("a failure that needs no fault loses them all in one run", () => {
    const oracle = new Oracle("faults:\n  - { at: 1s, crash: broker-1 }\n  - { at: 2s, crash: broker-2 }\n  - { at: 3s, heal: true }\n", () => true);
    removeFaults(oracle);
    expect(oracle.best.scenario.faults).toEqual([]);
    expect(oracle.tries).toBe(1);
    expect(oracle.best.doc.has(["faults"])).toBe(false);
  });

  it("lowering the brokers keeps each broker a fault names the same broker, and replication within the cluster", () => {
    const yaml = [
      "# the author's comment stays",
      "cluster:",
      "  brokers: 4",
      "  config: { min.insync.replicas: 3, default.replication.factor: 4 }",
      "topics: [{ name: orders, replication.factor: 4, config: { min.insync.replicas: 3 } }]",
      "faults:",
      "  - { at: 1s, crash: broker-4, for: 2s }",
      "  - { at: 2s, partition: [[broker-2], [rest]], for: 1s }",
      "",
    ].join("\n");
    const oracle = new Oracle(yaml, () => true);
    expect(lowerBrokers(oracle)).toBe(true);
    const s = oracle.best.scenario;
    expect(s.cluster.brokers).toBe(2);
    // broker-3 went first (broker-4 became broker-3), then broker-1 (broker-2 and broker-3 became broker-1 and broker-2).
    expect(s.faults[0]).toMatchObject({ verb: "crash", node: { kind: "node", name: "broker-2" } });
    expect(s.faults[1]).toMatchObject({ verb: "partition", groups: [[{ kind: "node", name: "broker-1" }], [{ kind: "rest" }]] });
    expect(s.topics[0]).toMatchObject({ replicationFactor: 2 });
    expect(s.topics[0]!.config.number("min.insync.replicas")).toBe(2);
    expect(s.cluster.config.number("min.insync.replicas")).toBe(2);
    expect(oracle.best.doc.text()).toContain("# the author's comment stays");
  });

  it("settings go back to their defaults one by one, except the one the failure needs", () => {
    const yaml = [
      "cluster: { brokers: 3, config: { min.insync.replicas: 2, replica.lag.time.max.ms: 5000 } }",
      "network: { latency: 1ms, jitter: 200us }",
      "producers: [{ rate: 100, config: { acks: 1, linger.ms: 5 } }]",
      "",
    ].join("\n");
    const oracle = new Oracle(yaml, (s) => String(s.producers[0]!.config.get("acks")) === "1");
    expect(removeSettings(oracle)).toBe(true);
    expect(oracle.best.doc.value(["producers", 0, "config"])).toEqual({ acks: 1 });
    expect(oracle.best.doc.has(["network"])).toBe(false);
    expect(oracle.best.doc.has(["cluster", "config"])).toBe(false);
    expect(oracle.best.doc.value(["cluster", "brokers"])).toBe(3);
  });

  it("shortening the load phase drops the faults after its new end, and stops where the failure would go", () => {
    const yaml = "duration: 40s\nfaults:\n  - { at: 2s, crash: broker-1, for: 1s }\n  - { at: 30s, crash: broker-2, for: 1s }\n";
    const oracle = new Oracle(yaml, (s) => faultTimes(s).includes("2s"));
    expect(shortenDuration(oracle)).toBe(true);
    expect(formatDuration(oracle.best.scenario.durationMicros)).toBe("2s");
    expect(faultTimes(oracle.best.scenario)).toEqual(["2s"]);
  });
});

/** Settings written as choices and a swarm: each seed draws its own. */
const SWARMED = `name: swarmed
duration: 5s
settle: 15s
cluster:
  brokers: 3
  config:
    replica.lag.time.max.ms: 2s..10s   # drawn per seed
topics: [{ name: orders, partitions: 1, replication.factor: 3 }]
producers: [{ topic: orders, rate: 100, config: { acks: [1, all], linger.ms: 0..20 } }]
faults:
  - { at: 1s, crash: leader(orders/0), for: 1s }
swarm:
  between: 1s..4s
  pause: { nodes: [broker-1, broker-2], count: 1..2, for: 500ms..2s }
  clog: { links: [[broker-1, broker-3]], count: 1, for: 1s..2s, delay: 5ms..50ms }
`;

describe("shrink: a file that leaves things to the seed", () => {
  it("is written out as the seed runs it (drawn settings, swarm faults in faults:), and that file runs the same run", () => {
    const template = load(SWARMED);
    const start = startingPoint("swarmed.yaml", SWARMED, template, "3");
    const text = start.doc.text();
    expect(text).not.toContain("swarm:");
    expect(text.replace(/#.*$/gm, "")).not.toMatch(/\.\./); // no range left outside the comments
    expect(text).not.toContain("drawn per seed");
    expect(start.scenario.variation).toBeUndefined();
    expect(Object.keys(start.drawn.settings)).toEqual(["cluster.config.replica.lag.time.max.ms", "producers[0].config.acks", "producers[0].config.linger.ms"]);
    expect(start.drawn.faults).toBeGreaterThan(0);
    expect(start.scenario.faults.length).toBe(1 + start.drawn.faults);
    // The same run: the fingerprint of the file itself with that seed.
    expect(start.summary.fingerprint).toBe(runScenario(template, "3").fingerprint);
    expect(parseScenario(text, "again.yaml").ok).toBe(true);
  }, 30_000);
});
