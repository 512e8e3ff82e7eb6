import { describe, expect, it } from "vitest";
import { History, type SendView } from "../../../src/check/history/index.ts";
import { scriptedHistory } from "./scripted.ts";

describe("history: recording client operations", () => {
  it("keeps every send with its invoke, completion, partition and offset", () => {
    const sends: SendView[] = [];
    scriptedHistory().forEachSend((s) => sends.push({ ...s }));
    expect(sends.map((s) => [s.valueId, s.completion, s.partition, s.offset])).toEqual([
      [1, "ok", 0, 0],
      [2, "info", 1, -1],
      [3, "fail", -1, -1],
      [4, "pending", -1, -1],
      [5, "ok", 1, 0],
      [1_000_000_001, "ok", 0, -1],
    ]);
    expect(sends[0]).toMatchObject({ process: "producer-0", topic: "orders", key: "key-1", invokedAtMicros: 100, completedAtMicros: 200 });
    expect(sends[1]!.key).toBeNull();
    expect(sends[3]!.completedAtMicros).toBe(-1);
  });

  it("keeps every polled record with its poll, process and time", () => {
    const records: unknown[] = [];
    scriptedHistory().forEachPolledRecord((r) => records.push([r.process, r.pollIndex, r.atMicros, `${r.topic}-${r.partition}`, r.offset, r.valueId]));
    expect(records).toEqual([
      ["consumer-0", 0, 500, "orders-0", 0, 1],
      ["consumer-0", 1, 900, "orders-0", 0, 1],
      ["consumer-0", 1, 900, "orders-1", 0, 5],
    ]);
  });

  it("knows each partition's highest offset acknowledged or polled, by batch or by record, and -1 for one never seen", () => {
    const history = new History();
    for (let i = 0; i < 4; i++) history.sendInvoked("producer-0", 10 + i, "orders", null, i);
    history.sendOkBatch(50, { recordCount: 3, valueIdAt: (i) => i }, 2, 40);
    history.sendOk("producer-0", 60, 3, 0, 7);
    history.pollStarted("consumer-0", 70);
    history.polledRecord("orders", 2, 45, 99);
    history.polledRecord("orders", 0, 3, 98);
    const tps = history.topicPartitions;
    expect(history.highestOffset(tps.intern("orders", 2))).toBe(45);
    expect(history.highestOffset(tps.intern("orders", 0))).toBe(7);
    expect(history.highestOffset(tps.intern("orders", 1))).toBe(-1);
  });

  it("keeps commits with group, generation and fate", () => {
    const commits: unknown[] = [];
    scriptedHistory().forEachCommit((c) => commits.push([c.group, c.partition, c.offset, c.generation, c.ok]));
    expect(commits).toEqual([
      ["billing", 0, 1, 3, true],
      ["billing", 1, 1, 4, false],
    ]);
  });

  it("counts operations, sends by fate, polls and records", () => {
    const h = scriptedHistory();
    expect(h.sendCounts()).toEqual({ ok: 3, info: 1, fail: 1, pending: 1 });
    expect(h.sendCount).toBe(6);
    expect(h.pendingSendCount).toBe(1);
    expect(h.pollCount).toBe(3);
    expect(h.polledRecordCount).toBe(3);
    expect(h.commitCount).toBe(2);
    expect(h.opCount).toBe(6 + 5 + 3 * 2 + 2 * 2);
    expect(h.processNames()).toEqual(["producer-0", "consumer-0", "producer-1"]);
  });

  it("refuses a completion without a pending send, and a value sent twice", () => {
    const h = new History();
    expect(() => h.sendOk("p", 1, 42, 0, 0)).toThrow(/without a pending send/);
    h.sendInvoked("p", 1, "t", null, 7);
    expect(() => h.sendInvoked("p", 2, "t", null, 7)).toThrow(/sent twice/);
  });
});
