import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseScenario, ScenarioError, SCENARIO_KEYS } from "../../src/scenario/index.ts";

/** Values a careless or hostile file might hold anywhere. */
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("10s", "2 s", "-1", "all", "leader(t/0)", "broker-1", "rest", "1GB/s", ">0", "__proto__"),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(fc.string(), tie("node"), { maxKeys: 3 })),
})).node;
const key = fc.oneof(fc.constantFrom(...SCENARIO_KEYS, "at", "crash", "config", "acks", "name", "partitions"), fc.string());

function neverThrows(text: string): void {
  const result = parseScenario(text, "fuzz.yaml");
  if (!result.ok) {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(error).toBeInstanceOf(ScenarioError);
      expect(error.line).toBeGreaterThanOrEqual(1);
    }
  }
}

describe("scenario loader: whatever the file holds, the answer is a Scenario or ScenarioErrors", () => {
  it("any text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), neverThrows), { seed: 4, numRuns: 300 });
  });

  it("any YAML structure under the scenario's own keys", () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (doc) => neverThrows(stringify(doc))),
      { seed: 7, numRuns: 300 },
    );
  });

  it("well-formed sections with hostile leaves", () => {
    const section = fc.record({
      cluster: fc.record({ brokers: leaf, ensemble: leaf, config: fc.dictionary(key, leaf, { maxKeys: 3 }) }),
      topics: fc.array(fc.record({ name: leaf, partitions: leaf, "replication.factor": leaf, config: fc.dictionary(key, leaf) }), { maxLength: 2 }),
      producers: fc.array(fc.record({ topic: leaf, rate: leaf, keys: leaf, config: fc.dictionary(key, leaf, { maxKeys: 3 }) }), { maxLength: 2 }),
      faults: fc.array(fc.dictionary(key, value, { maxKeys: 3 }), { maxLength: 3 }),
      expect: fc.dictionary(key, leaf, { maxKeys: 2 }),
    });
    fc.assert(fc.property(section, (doc) => neverThrows(stringify(doc))), { seed: 11, numRuns: 150 });
  });
});
