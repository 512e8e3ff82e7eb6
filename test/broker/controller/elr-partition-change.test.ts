import { describe, expect, it } from "vitest";
import { buildPartitionChange, isNoOp, type ElrPartitionState, type PartitionChangeRequest } from "../../../src/broker/controller/partitionChange.ts";
import { NO_LEADER } from "../../../src/broker/zk/paths.ts";

/** orders/0 on brokers [1, 2, 3] with min.insync.replicas=2, led by 1 with everyone in sync. */
const healthy: ElrPartitionState = { replicas: [1, 2, 3], leader: 1, isr: [1, 2, 3], elr: [], lastKnownElr: [] };

function change(state: ElrPartitionState, targetIsr: number[], live: number[], unclean: number[] = [], uncleanElection = false) {
  const request: PartitionChangeRequest = {
    targetIsr,
    minInsyncReplicas: 2,
    acceptableLeader: (b) => live.includes(b) && !unclean.includes(b),
    uncleanShutdown: unclean,
    uncleanLeaderElectionEnabled: uncleanElection,
  };
  return buildPartitionChange(state, request);
}

describe("KIP-966 partition changes: who joins the eligible leader replicas", () => {
  it("a replica that leaves an ISR still at min.insync.replicas does not join the ELR: the high watermark may go on without it", () => {
    const next = change(healthy, [1, 2], [1, 2, 3]);
    expect(next).toMatchObject({ leader: 1, isr: [1, 2], elr: [], lastKnownElr: [] });
  });

  it("a replica that leaves an ISR below min.insync.replicas joins the ELR, since the high watermark is frozen from then on", () => {
    const next = change({ ...healthy, isr: [1, 2] }, [1], [1, 2, 3]);
    expect(next).toMatchObject({ leader: 1, isr: [1], elr: [2] });
  });

  it("an ISR back at min.insync.replicas empties the ELR", () => {
    const next = change({ ...healthy, isr: [1], elr: [2] }, [1, 3], [1, 2, 3]);
    expect(next).toMatchObject({ isr: [1, 3], elr: [] });
  });

  it("a replica that restarted after an unclean shutdown neither stays in the ELR nor joins it", () => {
    expect(change({ ...healthy, isr: [1], elr: [2] }, [1], [1, 2, 3], [2]).elr).toEqual([]);
    // The last ISR member itself restarts uncleanly: the ISR empties, it does not become eligible.
    expect(change({ ...healthy, isr: [1], elr: [2] }, [], [1, 2, 3], [1])).toMatchObject({ leader: 2, isr: [2], elr: [], fromElr: true });
  });
});

describe("KIP-966 partition changes: elections", () => {
  it("the ISR may become empty; a live eligible replica then leads and becomes the ISR", () => {
    const next = change({ ...healthy, isr: [1], elr: [2] }, [], [2, 3]);
    expect(next).toMatchObject({ leader: 2, isr: [2], elr: [1], unclean: false, fromElr: true });
  });

  it("with no live eligible replica the partition has no leader and remembers its last one", () => {
    const next = change({ ...healthy, isr: [1], elr: [2] }, [], [3]);
    expect(next).toMatchObject({ leader: NO_LEADER, isr: [], elr: [1, 2], lastKnownElr: [1] });
  });

  it("a replica outside the ISR and the ELR never leads while unclean elections are off, even alone and live", () => {
    const offline = { ...healthy, leader: NO_LEADER, isr: [], elr: [2], lastKnownElr: [1] };
    const next = change(offline, [], [3]);
    expect(next.leader).toBe(NO_LEADER);
    expect(isNoOp(offline, next)).toBe(true);
  });

  it("with the ISR and the ELR both empty the last known leader may lead again, and that counts as unclean (Kafka 4.0)", () => {
    const next = change({ ...healthy, leader: NO_LEADER, isr: [], elr: [], lastKnownElr: [1] }, [], [1, 3]);
    expect(next).toMatchObject({ leader: 1, isr: [1], elr: [], lastKnownElr: [], unclean: true });
  });

  it("unclean.leader.election.enable elects any live replica when no eligible one is left, and clears the ELR", () => {
    const next = change({ ...healthy, leader: NO_LEADER, isr: [], elr: [2], lastKnownElr: [1] }, [], [3], [], true);
    expect(next).toMatchObject({ leader: 3, isr: [3], elr: [], unclean: true });
  });

  it("a change that alters nothing writes nothing", () => {
    expect(isNoOp(healthy, change(healthy, [1, 2, 3], [1, 2, 3]))).toBe(true);
  });
});
