import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cli/runScenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

/**
 * scenarios/lossy-crash.yaml (every machine loses power at once) with a topic setting
 * added, on disks whose fsync takes 100 ms: long enough that an answer sent before the
 * fsync completes would be lost with the page cache.
 */
function lossyCrash(topicConfig: string): string {
  const yaml = readFileSync("scenarios/lossy-crash.yaml", "utf8").replace("expect:\n  lost-write: \">0\"", "").replace("duration: 20s", "duration: 20s\ndisk: { fsync: 100ms }");
  return yaml.replace("    replication.factor: 3\n", `    replication.factor: 3\n    config: { ${topicConfig} }\n`);
}

function run(yaml: string) {
  const loaded = parseScenario(yaml, "lossy-crash-flush.yaml");
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  return runScenario(loaded.scenario, "1");
}

describe("flush.messages", () => {
  it("at 1, every append is fsynced before its leader answers and before its followers fetch again: a whole-cluster power loss loses nothing acknowledged", () => {
    const flushed = run(lossyCrash("flush.messages: 1"));
    expect(flushed.acked).toBeGreaterThan(4_000);
    expect(flushed.lostAcked).toBe(0);
    expect(flushed.violations.filter((v) => v.invariant === "lost-write")).toEqual([]);
  });

  it("at Kafka's default (never), the same power loss loses what was acknowledged from page caches only", () => {
    expect(run(lossyCrash("retention.ms: 604800000")).lostAcked).toBeGreaterThan(0);
  });
});
