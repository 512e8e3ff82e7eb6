import { describe, expect, it } from "vitest";
import { describeCluster } from "../../src/cli/describe/describeCluster.ts";
import { formatCluster } from "../../src/cli/describe/formatCluster.ts";
import { parseScenario, type Scenario } from "../../src/scenario/index.ts";
import { collectTrace } from "../../sim/index.ts";
import { World } from "../../src/world/World.ts";

function scenario(text: string): Scenario {
  const result = parseScenario(text, "describe.yaml");
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return result.scenario;
}

/** A group that leaves at 4.5s, a topic with one replica whose broker crashes at 4s, broker 1 paused at 6s. */
const STORY = scenario(`
name: describe
duration: 8s
settle: 10s
cluster: { brokers: 3, ensemble: 1, config: { zookeeper.session.timeout.ms: 6000 } }
topics: [{ name: orders, partitions: 2, replication.factor: 3 }, { name: single, partitions: 1, replication.factor: 1 }]
producers: [{ topic: orders, rate: 200 }]
consumers: [{ name: app, topic: orders, count: 2, stop: 4500ms, commit: after-processing, config: { group.id: billing } }]
faults:
  - { at: 4s, crash: leader(single/0), for: 10s }
  - { at: 6s, pause: broker-1, for: 1s }
`);

describe("replay --until: the cluster in Kafka's layouts", () => {
  it("a leaderless partition prints Leader: none with its offline replica; an empty group keeps its offsets, with no consumers", () => {
    const world = new World(STORY, "4");
    const phases = world.run({ stopAtMicros: 6_500_000 });
    expect(phases.stopped).toBe(true);
    const state = describeCluster(world, phases.loadStartMicros);
    expect(state.sinceLoadStartMicros).toBe(6_500_000);
    const single = state.topics.find((t) => t.name === "single")!.partitions[0]!;
    expect(single.leader).toBeNull();
    expect(single.offline).toEqual(single.replicas);
    const down = single.replicas[0]!;
    expect(state.brokers.find((b) => b.id === down)!.state).toBe("down");
    expect(state.brokers.find((b) => b.id === 1)!.state).toBe(down === 1 ? "down" : "paused");

    const group = state.groups[0]!;
    expect(group.state).toBe("Empty");
    expect(group.members).toBe(0);
    expect(group.rows.map((r) => r.partition)).toEqual([0, 1]);
    for (const r of group.rows) {
      expect(r.consumerId).toBeNull();
      expect(r.currentOffset).toBeGreaterThan(0); // committed before leaving
    }

    const text = formatCluster(state);
    expect(text).toContain(`\tTopic: single\tPartition: 0\tLeader: none\tReplicas: ${down}\tIsr: `);
    expect(text).toContain(`Offline: ${down}`);
    expect(text).toContain("Consumer group 'billing' has no active members.");
    expect(text).toMatch(/\nbilling +orders +0 +\d+ +\d+ +\d+ +- +- +-\n/);
  });

  it("--until is the same run cut short: its events are the full run's, up to that time", () => {
    const cut = collectTrace();
    const stopped = new World(STORY, "4", cut.sink);
    const phases = stopped.run({ stopAtMicros: 6_500_000 });
    formatCluster(describeCluster(stopped, phases.loadStartMicros));
    const whole = collectTrace();
    new World(STORY, "4", whole.sink).run();
    const end = phases.loadStartMicros + 6_500_000;
    expect(cut.events.length).toBeGreaterThan(1000);
    expect(cut.events).toEqual(whole.events.filter((e) => e.at <= end).slice(0, cut.events.length));
    expect(whole.events[cut.events.length]!.at).toBeGreaterThan(end);
  });
});
