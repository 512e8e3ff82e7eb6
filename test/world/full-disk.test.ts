import { describe, expect, it } from "vitest";
import { collectTrace } from "../../sim/index.ts";
import { runScenario } from "../../src/cli/runScenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const FULL_DISK = `
duration: 15s
settle: 60s
cluster:
  brokers: 3
  ensemble: 1
  config: { min.insync.replicas: 2 }
topics: [{ name: orders, partitions: 1, replication.factor: 3 }]
producers: [{ topic: orders, rate: 500, config: { acks: all } }]
faults:
  - { at: 5s, full-disk: leader(orders/0), for: 5s }
`;

describe("a broker whose disk fills up", () => {
  it("halts as Kafka does when its only log directory fails, loses nothing acknowledged, and comes back when restarted", () => {
    const loaded = parseScenario(FULL_DISK, "full-disk.yaml");
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
    const trace = collectTrace();
    const summary = runScenario(loaded.scenario, "1", trace.sink);
    const halt = trace.events.find((e) => e.kind === "halt");
    expect(halt?.reason).toMatch(/all log directories have failed/);
    // Down as a process crash right after, and restarted by the liveness phase.
    const crash = trace.events.find((e) => e.kind === "crash" && e.node === halt!.node);
    expect(crash).toMatchObject({ mode: "process" });
    expect(trace.events.some((e) => e.kind === "restart" && e.node === halt!.node && e.at > crash!.at)).toBe(true);
    expect(summary.lostAcked).toBe(0);
    expect(summary.violations).toEqual([]);
    expect(summary.ok).toBe(true);
  });
});
