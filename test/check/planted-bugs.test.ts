import { describe, expect, it } from "vitest";
import { runScenario, type RunSummary } from "../../src/cli/runScenario.ts";
import { withPlantedBug, type PlantedBugs } from "../../src/protocol/plantedBugs.ts";
import { parseScenario } from "../../src/scenario/index.ts";

const BASE = `
duration: 30s
settle: 30s
network: { latency: 1ms, jitter: 200us }
cluster:
  brokers: 3
  ensemble: 1
  config: { min.insync.replicas: 2, replica.lag.time.max.ms: 5000 }
topics: [{ name: orders, partitions: 1, replication.factor: 3 }]
producers: [{ topic: orders, rate: 1000, config: { acks: all } }]
`;

/** The leader crashes just after a hiccup kept its followers from fetching (leader-crash.yaml in small). */
const LEADER_CRASH = `${BASE}
faults:
  - { at: 9800ms, partition: [[followers(orders/0)], [rest]], for: 1s }
  - { at: 10s, crash: leader(orders/0), for: 10s }
`;

/** One follower falls out of the ISR (paused), then the leader crashes: an election with an outsider alive. */
const OUTSIDER_ALIVE = `${BASE}
faults:
  - { at: 5s, pause: follower(orders/0), for: 14s }
  - { at: 15s, crash: leader(orders/0), for: 10s }
`;

/** A broker cut off longer than its coordination session: the session expires. */
const SESSION_EXPIRY = `${BASE}
faults:
  - { at: 5s, isolate: follower(orders/0), for: 25s }
`;

/** A group of two consuming and committing after processing; one member crashes (duplicate-redelivery in small). */
const GROUP_CRASH = `${BASE}
consumers:
  - name: app
    topic: orders
    count: 2
    processing: 1ms
    commit: after-processing
    config: { group.id: billing, auto.offset.reset: earliest, session.timeout.ms: 10000 }
faults:
  - { at: 10s, crash: app-1 }
`;

function run(yaml: string, seed: string): RunSummary {
  const r = parseScenario(yaml, "planted.yaml");
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return runScenario(r.scenario, seed);
}

function count(summary: RunSummary, invariant: string): number {
  return summary.violations.find((v) => v.invariant === invariant)?.count ?? 0;
}

/** Runs seeds 1..limit with the bug planted until the checker sees it; returns the seed that showed it, or null. */
function firstSeedCaught(bug: keyof PlantedBugs, yaml: string, invariants: string[], limit = 3): string | null {
  for (let seed = 1; seed <= limit; seed++) {
    const summary = withPlantedBug(bug, () => run(yaml, String(seed)));
    if (invariants.some((i) => count(summary, i) > 0)) return String(seed);
  }
  return null;
}

describe("checkers see planted bugs", () => {
  it("the same faults without a planted bug give no violation", () => {
    for (const yaml of [LEADER_CRASH, OUTSIDER_ALIVE, SESSION_EXPIRY, GROUP_CRASH]) expect(run(yaml, "1").violations).toEqual([]);
  });

  it("acknowledging acks=all before the ISR has the batch is caught as lost-write", () => {
    expect(firstSeedCaught("ackBeforeIsr", LEADER_CRASH, ["lost-write"])).not.toBeNull();
  });

  it("a high watermark taken as the largest log end is caught as leader-completeness or committed-prefix", () => {
    expect(firstSeedCaught("hwLargestLeo", LEADER_CRASH, ["leader-completeness", "committed-prefix"])).not.toBeNull();
  });

  it("an unclean election while an ISR member is alive is caught as leader-completeness", () => {
    expect(firstSeedCaught("uncleanWithIsrAlive", OUTSIDER_ALIVE, ["leader-completeness"])).not.toBeNull();
  });

  it("a consumer that skips a record now and then is caught: the record is never processed (liveness)", () => {
    expect(firstSeedCaught("consumerSkips", GROUP_CRASH, ["liveness"])).not.toBeNull();
  });

  it("a commit one past the position is caught: the next owner never processes that record (liveness)", () => {
    expect(firstSeedCaught("commitOnePast", GROUP_CRASH, ["liveness"])).not.toBeNull();
  });

  it("an ephemeral node that outlives its session is caught by the ensemble's checks", () => {
    expect(firstSeedCaught("ephemeralOutlivesSession", SESSION_EXPIRY, ["ensemble"])).not.toBeNull();
  });
});
