import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseScenario, resolveScenario, ScenarioError, SWARM_VERBS, type Fault, type Scenario } from "../../src/scenario/index.ts";
import { invalid, valid, yaml } from "./helpers.ts";

const SWARM_FILE = yaml(
  "duration: 20s",
  "cluster:",
  "  brokers: 3",
  "  config: { replica.lag.time.max.ms: 2s..15s, min.insync.replicas: [1, 2] }",
  "topics: [{ name: orders, partitions: 2, replication.factor: 3 }]",
  "producers: [{ topic: orders, config: { acks: [1, all], linger.ms: 0..20 } }]",
  "swarm:",
  "  between: 2s..18s",
  "  crash: { nodes: [leader(orders/0), controller], count: 1..3, for: 1s..5s }",
  "  clog: { links: [[broker-1, broker-2]], count: 0..2, for: 2s..4s, delay: 5ms..300ms }",
  "  drop: { links: [[broker-1, broker-3]], p: 0.01..0.3 }",
  "  slow-disk: { nodes: [broker-2, broker-3], factor: 2..50 }",
);

function forSeed(text: string, seed: string): Scenario {
  const result = parseScenario(text, "swarm.yaml", { seed });
  if (!result.ok) expect.fail(result.errors.map((e) => e.message).join("\n"));
  return result.scenario;
}

const seeds = Array.from({ length: 60 }, (_, i) => String(i + 1));

describe("swarm testing: what a seed draws", () => {
  it("the same seed draws the same settings and faults, every time and through resolveScenario", () => {
    const template = valid(SWARM_FILE, "swarm.yaml");
    for (const seed of ["1", "7", "123456"]) {
      const a = forSeed(SWARM_FILE, seed);
      const b = resolveScenario(template, seed);
      expect(b.variation).toEqual(a.variation);
      expect(b.faults).toEqual(a.faults);
      expect(b.producers[0]!.config.get("acks")).toEqual(a.producers[0]!.config.get("acks"));
    }
  });

  it("different seeds draw different mixes", () => {
    const draws = new Set(seeds.map((seed) => JSON.stringify(forSeed(SWARM_FILE, seed).variation)));
    expect(draws.size).toBe(seeds.length);
    const kindsPerSeed = new Set(seeds.map((seed) => [...new Set(forSeed(SWARM_FILE, seed).faults.map((f) => f.verb))].sort().join(",")));
    // Swarm testing leaves kinds out: many different subsets of the four kinds appear.
    expect(kindsPerSeed.size).toBeGreaterThanOrEqual(8);
  });

  it("drawn settings stay within their ranges and lists, and every option is drawn by some seed", () => {
    const acks = new Set<unknown>();
    const isr = new Set<unknown>();
    for (const seed of seeds) {
      const s = forSeed(SWARM_FILE, seed);
      const lag = s.cluster.config.number("replica.lag.time.max.ms");
      expect(Number.isInteger(lag) && lag >= 2_000 && lag <= 15_000).toBe(true);
      const linger = s.producers[0]!.config.number("linger.ms");
      expect(Number.isInteger(linger) && linger >= 0 && linger <= 20).toBe(true);
      acks.add(s.producers[0]!.config.get("acks"));
      isr.add(s.cluster.config.number("min.insync.replicas"));
      // The topic inherits the drawn broker value.
      expect(s.topics[0]!.config.number("min.insync.replicas")).toBe(s.cluster.config.number("min.insync.replicas"));
    }
    expect([...acks].sort()).toEqual([-1, 1]);
    expect([...isr].sort()).toEqual([1, 2]);
  });

  it("swarm faults start in the window, hit the listed targets, last within for, and are undone", () => {
    for (const seed of seeds) {
      const { faults } = forSeed(SWARM_FILE, seed);
      for (const f of faults) {
        expect(f.at).toBeGreaterThanOrEqual(2_000_000);
        expect(f.at).toBeLessThanOrEqual(18_000_000);
        expect(f.forMicros).not.toBeNull();
        checkFault(f);
      }
      const times = faults.map((f) => f.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it("adding a kind to the swarm leaves the other kinds' draws alone", () => {
    const crashOnly = yaml("duration: 20s", "swarm:", "  keep: 1", "  crash: { nodes: [broker-1, broker-2], count: 1..4 }");
    const withPause = yaml("duration: 20s", "swarm:", "  keep: 1", "  crash: { nodes: [broker-1, broker-2], count: 1..4 }", "  pause: { nodes: [broker-3] }");
    for (const seed of seeds.slice(0, 10)) {
      const crashes = (text: string) => forSeed(text, seed).faults.filter((f) => f.verb === "crash");
      expect(crashes(withPause)).toEqual(crashes(crashOnly));
    }
  });

  it("without a seed each choice takes its first option or low end, and the swarm adds nothing", () => {
    const s = valid(SWARM_FILE);
    expect(s.faults).toEqual([]);
    expect(s.producers[0]!.config.get("acks")).toBe(1);
    expect(s.cluster.config.number("replica.lag.time.max.ms")).toBe(2_000);
    expect(s.variation?.seed).toBeNull();
    expect(s.variation?.swarm?.kinds.map((k) => k.verb)).toEqual(["crash", "clog", "drop", "slow-disk"]);
  });

  it("a file with nothing to draw has no variation and resolves to itself", () => {
    const s = valid(yaml("duration: 5s", "faults: [{ at: 1s, crash: broker-1, for: 1s }]"));
    expect(s.variation).toBeUndefined();
    expect(resolveScenario(s, "9")).toBe(s);
  });

  it("the run's fixed faults come first, the swarm's after them", () => {
    const text = yaml("duration: 20s", "faults: [{ at: 15s, crash: broker-1, for: 1s }]", "swarm:", "  keep: 1", "  pause: { nodes: [broker-2], count: 2, between: 1s..2s }");
    expect(invalid(text).map((e) => e.field)).toEqual(["swarm.pause.between"]);
    const ok = text.replace(", between: 1s..2s", "");
    const s = forSeed(ok, "3");
    expect(s.faults.map((f) => f.verb)).toEqual(["crash", "pause", "pause"]);
  });
});

describe("swarm testing: mistakes in ranges and the swarm section", () => {
  it("each bad option, range or target is reported at its line and field", () => {
    const errors = invalid(
      yaml(
        "duration: 10s",
        "cluster:",
        "  config: { min.insync.replicas: [1, zero], replica.lag.time.max.ms: 30s..1s }",
        "producers: [{ config: { acks: [], linger.ms: 1.5..3 } }]",
        "swarm:",
        "  between: 1s..40s",
        "  crash: { nodes: [broker-9], count: -1..2 }",
        "  explode: { nodes: [broker-1] }",
        "  drop: { links: [[broker-1]], p: 0.5..2 }",
      ),
    );
    expect(errors.map((e) => `${e.line} ${e.field}`)).toEqual([
      "3 cluster.config.min.insync.replicas[1]",
      "3 cluster.config.replica.lag.time.max.ms",
      "4 producers[0].config.acks",
      "4 producers[0].config.linger.ms",
      "6 swarm.between",
      "7 swarm.crash.nodes[0]",
      "7 swarm.crash.count",
      "8 swarm.explode",
      "9 swarm.drop.links[0]",
      "9 swarm.drop.p",
    ]);
    expect(errors[0]!.message).toContain('option 2 of min.insync.replicas: expected a whole number >= 1, got "zero"');
    expect(errors[1]!.message).toContain('the low end of a range comes first: write "1s..30s"');
    expect(errors[4]!.message).toContain("the window ends after the load phase (duration: 10s)");
    expect(errors[7]!.message).toContain("unknown key in swarm");
  });

  it("whatever a swarm section or a choice holds, the loader answers with a Scenario or errors, never a throw", () => {
    const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom("1s..5s", "5..1", "0..3", "..", "0.1..0.9", "broker-1", "leader(t/0)", "rest"));
    const value = fc.oneof(leaf, fc.array(fc.oneof(leaf, fc.array(leaf, { maxLength: 3 })), { maxLength: 3 }));
    const kind = fc.oneof(value, fc.dictionary(fc.constantFrom("nodes", "links", "count", "for", "delay", "p", "factor", "x"), value, { maxKeys: 4 }));
    const swarm = fc.dictionary(fc.constantFrom("keep", "between", ...SWARM_VERBS, "x"), kind, { maxKeys: 4 });
    const config = fc.dictionary(fc.constantFrom("acks", "linger.ms", "batch.size", "retries"), value, { maxKeys: 3 });
    fc.assert(
      fc.property(swarm, config, fc.constantFrom(undefined, "1", "42"), (swarmSection, producerConfig, seed) => {
        const text = stringify({ duration: "10s", producers: [{ config: producerConfig }], swarm: swarmSection });
        const result = parseScenario(text, "f.yaml", seed === undefined ? {} : { seed });
        if (!result.ok) for (const error of result.errors) expect(error).toBeInstanceOf(ScenarioError);
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it("a range on a key that is not a number stays text, and Kafka's own check reports it", () => {
    const errors = invalid(yaml("cluster:", "  config: { unclean.leader.election.enable: 1..2 }"));
    expect(errors.map((e) => e.field)).toEqual(["cluster.config.unclean.leader.election.enable"]);
  });
});

function checkFault(f: Fault): void {
  switch (f.verb) {
    case "crash":
      expect(["leader(orders/0)", "controller"]).toContain(f.node.kind === "leader" ? "leader(orders/0)" : f.node.kind);
      expect(f.forMicros! >= 1_000_000 && f.forMicros! <= 5_000_000).toBe(true);
      return;
    case "clog":
      expect(f.delayMicros >= 5_000 && f.delayMicros <= 300_000).toBe(true);
      expect(f.forMicros! >= 2_000_000 && f.forMicros! <= 4_000_000).toBe(true);
      return;
    case "drop":
      expect(f.probability >= 0.01 && f.probability <= 0.3).toBe(true);
      return;
    case "slow-disk":
      expect(f.factor >= 2 && f.factor <= 50).toBe(true);
      expect(["broker-2", "broker-3"]).toContain(f.node.kind === "node" ? f.node.name : "?");
      return;
    default:
      expect.fail(`a ${f.verb} the swarm does not list`);
  }
}
