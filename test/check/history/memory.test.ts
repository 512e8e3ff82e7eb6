import { describe, expect, it } from "vitest";
import { History, type PolledRecord } from "../../../src/check/history/index.ts";

describe("history: compact storage", () => {
  it("a million acknowledged sends take under 24 bytes each, and read back exactly", () => {
    const h = new History();
    const keys = Array.from({ length: 100 }, (_, i) => `key-${i}`);
    const n = 1_000_000;
    for (let i = 0; i < n; i++) {
      const valueId = 3e9 + i;
      h.sendInvoked(`producer-${i % 4}`, i * 10, "orders", keys[i % 100]!, valueId);
      h.sendOk(`producer-${i % 4}`, i * 10 + 5, valueId, i % 12, Math.floor(i / 12));
    }
    expect(h.sendCount).toBe(n);
    expect(h.opCount).toBe(2 * n);
    expect(h.pendingSendCount).toBe(0);
    // Columns with their spare capacity.
    expect(h.columnBytes / n).toBeLessThan(24);
    const last = h.readSend(n - 1);
    expect(last).toMatchObject({ valueId: 3e9 + n - 1, partition: (n - 1) % 12, offset: Math.floor((n - 1) / 12), completion: "ok", key: "key-99", invokedAtMicros: (n - 1) * 10, completedAtMicros: (n - 1) * 10 + 5 });
  });

  it("a steady load (four producers' batches acknowledged at once, then polled in runs) takes at most 32 bytes a record", () => {
    const h = new History();
    const producers = 4;
    const batch = 50;
    const partitions = 12;
    const logEnd = new Array<number>(partitions).fill(0);
    const polled: PolledRecord[] = [];
    let now = 0;
    let sent = 0;
    for (let round = 0; round < 5_000; round++) {
      // Each producer sends a batch, records interleaved with the others' (5 us apart) ...
      for (let i = 0; i < batch; i++) {
        for (let p = 0; p < producers; p++) h.sendInvoked(`producer-${p}`, (now += 5), "events", null, p * 1e9 + round * batch + i);
      }
      // ... and each batch is acknowledged at once, at consecutive offsets of one partition.
      for (let p = 0; p < producers; p++) {
        const partition = (round * producers + p) % partitions;
        now += 700;
        for (let i = 0; i < batch; i++) {
          const valueId = p * 1e9 + round * batch + i;
          h.sendOk(`producer-${p}`, now, valueId, partition, logEnd[partition]!);
          polled.push({ topic: "events", partition, offset: logEnd[partition]!++, valueId });
        }
        sent += batch;
      }
      if (round % 3 === 2) h.polled(`consumer-${round % 4}`, (now += 10), polled.splice(0));
    }
    h.polled("consumer-0", (now += 10), polled.splice(0));
    expect(h.sendCount).toBe(sent);
    expect(h.polledRecordCount).toBe(sent);
    expect(h.columnBytes / sent).toBeLessThanOrEqual(32);
    expect(h.readPolledRecord(sent - 1)).toMatchObject({ topic: "events", valueId: 3e9 + 4_999 * batch + batch - 1 });
  });

  it("a polled record in a run of consecutive offsets takes about a byte", () => {
    const h = new History();
    const batch = Array.from({ length: 100 }, (_, i) => ({ topic: "orders", partition: Math.floor(i / 34), offset: i, valueId: i }));
    for (let i = 0; i < 10_000; i++) h.polled("consumer-0", i, batch);
    expect(h.polledRecordCount).toBe(1_000_000);
    expect(h.columnBytes / h.polledRecordCount).toBeLessThan(1.5);
  });
});
