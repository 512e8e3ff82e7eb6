import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { electOfflinePartitionLeader, initialLeadership, removeFromIsr } from "../../../src/broker/controller/leaderElection.ts";
import { NO_LEADER } from "../../../src/broker/zk/paths.ts";

describe("controller: electing a leader for a partition whose leader is gone", () => {
  it("clean: the first replica in assignment order that is live and in the ISR, not the first in ISR order", () => {
    // Broker 2 led; the ISR is kept sorted, the assignment is not.
    const result = electOfflinePartitionLeader({ replicas: [2, 3, 1], isr: [1, 2, 3], liveBrokers: [1, 3], uncleanLeaderElectionEnabled: false });
    expect(result).toEqual({ leader: 3, isr: [1, 3], unclean: false });
  });

  it("clean: the new ISR is the old one without the brokers that are gone", () => {
    const result = electOfflinePartitionLeader({ replicas: [1, 2, 3, 4], isr: [1, 2, 4], liveBrokers: [2, 3], uncleanLeaderElectionEnabled: false });
    expect(result).toEqual({ leader: 2, isr: [2], unclean: false });
  });

  it("a live replica outside the ISR is never elected while unclean election is disabled: the partition stays offline", () => {
    expect(electOfflinePartitionLeader({ replicas: [1, 2, 3], isr: [1], liveBrokers: [2, 3], uncleanLeaderElectionEnabled: false })).toBeNull();
  });

  it("unclean: only when enabled and no ISR member is live, the first live assigned replica leads alone", () => {
    const result = electOfflinePartitionLeader({ replicas: [1, 3, 2], isr: [1], liveBrokers: [2, 3], uncleanLeaderElectionEnabled: true });
    expect(result).toEqual({ leader: 3, isr: [3], unclean: true });
  });

  it("enabling unclean election changes nothing while an ISR member is live", () => {
    const result = electOfflinePartitionLeader({ replicas: [1, 2, 3], isr: [1, 3], liveBrokers: [2, 3], uncleanLeaderElectionEnabled: true });
    expect(result).toEqual({ leader: 3, isr: [3], unclean: false });
  });

  it("no live replica at all: no leader, clean or not", () => {
    expect(electOfflinePartitionLeader({ replicas: [1, 2], isr: [1, 2], liveBrokers: [3], uncleanLeaderElectionEnabled: true })).toBeNull();
  });

  it("property: an elected leader is live and assigned, in its own ISR, from the old ISR unless unclean (and unclean only when allowed)", () => {
    const input = fc
      .record({
        replicas: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
        isrMask: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        live: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 6 }),
        unclean: fc.boolean(),
      })
      .map(({ replicas, isrMask, live, unclean }) => ({
        replicas,
        isr: replicas.filter((_, i) => isrMask[i]).sort((a, b) => a - b),
        liveBrokers: live.sort((a, b) => a - b),
        uncleanLeaderElectionEnabled: unclean,
      }));
    fc.assert(
      fc.property(input, (i) => {
        const result = electOfflinePartitionLeader(i);
        const liveIsr = i.isr.filter((r) => i.liveBrokers.includes(r));
        if (result === null) {
          expect(liveIsr).toEqual([]);
          if (i.uncleanLeaderElectionEnabled) expect(i.replicas.filter((r) => i.liveBrokers.includes(r))).toEqual([]);
          return;
        }
        expect(i.liveBrokers).toContain(result.leader);
        expect(i.replicas).toContain(result.leader);
        expect(result.isr).toContain(result.leader);
        expect(result.isr.every((r) => i.liveBrokers.includes(r))).toBe(true);
        expect(result.unclean).toBe(liveIsr.length === 0);
        if (!result.unclean) expect(i.isr).toContain(result.leader);
        if (result.unclean) expect(i.uncleanLeaderElectionEnabled).toBe(true);
      }),
    );
  });
});

describe("controller: removing a dead replica from the ISR (ZkReplicaStateMachine)", () => {
  it("a dead follower leaves the ISR; the leader stays", () => {
    expect(removeFromIsr(1, [1, 2, 3], 3)).toEqual({ leader: 1, isr: [1, 2] });
  });

  it("a dead leader leaves NoLeader and leaves the ISR", () => {
    expect(removeFromIsr(2, [1, 2, 3], 2)).toEqual({ leader: NO_LEADER, isr: [1, 3] });
  });

  it("the last ISR member is kept, so the partition remembers who had everything", () => {
    expect(removeFromIsr(2, [2], 2)).toEqual({ leader: NO_LEADER, isr: [2] });
  });
});

describe("controller: a new partition's first leadership", () => {
  it("the first live assigned replica leads, with every live assigned replica in the ISR", () => {
    expect(initialLeadership([3, 1, 2], [1, 2, 3])).toEqual({ leader: 3, isr: [3, 1, 2], unclean: false });
    expect(initialLeadership([3, 1, 2], [1, 2])).toEqual({ leader: 1, isr: [1, 2], unclean: false });
  });

  it("no live assigned replica: no leader yet", () => {
    expect(initialLeadership([3, 4], [1, 2])).toBeNull();
  });
});
