import { describe, expect, it } from "vitest";
import { History } from "../../../src/check/history/index.ts";

describe("history: compact storage", () => {
  it("a million acknowledged sends take well under 100 bytes each", () => {
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
    // Columns with their spare capacity (growth by half: at most a third unused).
    expect(h.columnBytes / n).toBeLessThan(100);
    const last = h.readSend(n - 1);
    expect(last).toMatchObject({ valueId: 3e9 + n - 1, partition: (n - 1) % 12, offset: Math.floor((n - 1) / 12), completion: "ok" });
  });

  it("a polled record takes about 30 bytes", () => {
    const h = new History();
    const batch = Array.from({ length: 100 }, (_, i) => ({ topic: "orders", partition: i % 3, offset: i, valueId: i }));
    for (let i = 0; i < 10_000; i++) h.polled("consumer-0", i, batch);
    expect(h.polledRecordCount).toBe(1_000_000);
    expect(h.columnBytes / h.polledRecordCount).toBeLessThan(45);
  });
});
