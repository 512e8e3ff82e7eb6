import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Random } from "../../sim/index.ts";
import { murmur2, partitionForKey, toPositive, utf8 } from "../../src/client/partitioner/murmur2.ts";
import { Partitioner } from "../../src/client/partitioner/Partitioner.ts";
import { StickyPartitioner } from "../../src/client/partitioner/StickyPartitioner.ts";

/** Kafka's own vectors (clients/src/test/.../common/utils/UtilsTest.java, testMurmur2). */
const KAFKA_VECTORS: [string, number][] = [
  ["21", -973932308],
  ["foobar", -790332482],
  ["a-little-bit-long-string", -985981536],
  ["a-little-bit-longer-string", -1486304829],
  ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
  ["abc", 479470107],
];

describe("partitioner: Kafka's murmur2", () => {
  it.each(KAFKA_VECTORS)("hashes %j to Kafka's value %i", (key, expected) => {
    expect(murmur2(utf8(key))).toBe(expected);
  });

  it("maps a key to the partition the Java client picks (toPositive, then modulo)", () => {
    // toPositive(-790332482) = 1357151166: partition 16 of 50 and 6 of 10.
    expect(toPositive(murmur2(utf8("foobar")))).toBe(1357151166);
    expect(partitionForKey("foobar", 50)).toBe(16);
    expect(partitionForKey("foobar", 10)).toBe(6);
    // toPositive(-973932308) = 1173551340 = 3 * 391183780: partition 0 of 3.
    expect(partitionForKey("21", 3)).toBe(0);
    expect(partitionForKey("abc", 7)).toBe(479470107 % 7);
  });

  it("hashes the UTF-8 bytes of a key, not its UTF-16 code units", () => {
    expect(utf8("é").length).toBe(2);
    expect(murmur2(utf8("é"))).toBe(murmur2(new Uint8Array([0xc3, 0xa9])));
  });

  it("toPositive clears the sign bit (Integer.MIN_VALUE maps to 0, unlike Math.abs)", () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(5)).toBe(5);
  });

  it("always gives a partition in range, the same one each time", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const p = partitionForKey(key, n);
        return p >= 0 && p < n && Number.isInteger(p) && p === partitionForKey(key, n);
      }),
    );
  });
});

describe("partitioner: keyless records", () => {
  const layout = { partitionCount: 6, available: [0, 1, 2, 3, 4, 5] };

  it("sticky: one partition until a new batch is needed, then a different one at random", () => {
    const sticky = new StickyPartitioner(new Random("sticky"));
    const first = sticky.partition("t", layout);
    for (let i = 0; i < 10; i++) expect(sticky.partition("t", layout)).toBe(first);
    sticky.onNewBatch("t", layout, first);
    const second = sticky.partition("t", layout);
    expect(second).not.toBe(first);
    // A stale notice (for a partition no longer sticky) changes nothing.
    sticky.onNewBatch("t", layout, first);
    expect(sticky.partition("t", layout)).toBe(second);
  });

  it("sticky: only partitions with a leader are chosen, and a lone one is kept", () => {
    const sticky = new StickyPartitioner(new Random("sticky-2"));
    const partial = { partitionCount: 6, available: [2, 4] };
    const seen = new Set<number>();
    let p = sticky.partition("t", partial);
    for (let i = 0; i < 20; i++) {
      seen.add(p);
      sticky.onNewBatch("t", partial, p);
      p = sticky.partition("t", partial);
    }
    expect([...seen].sort()).toEqual([2, 4]);
    const lone = { partitionCount: 6, available: [3] };
    sticky.onNewBatch("t", lone, p);
    expect(sticky.partition("t", lone)).toBe(3);
  });

  it("round-robin: each keyless record goes to the next available partition", () => {
    const rr = new Partitioner("round-robin", new Random("rr"));
    const partial = { partitionCount: 4, available: [0, 1, 3] };
    const picks = Array.from({ length: 6 }, () => rr.partition("t", null, partial));
    const start = partial.available.indexOf(picks[0]!);
    expect(picks).toEqual(Array.from({ length: 6 }, (_, i) => partial.available[(start + i) % 3]));
    expect(rr.switchesOnNewBatch).toBe(false);
  });

  it("keyed records ignore availability: the key decides, even for a partition without a leader", () => {
    const p = new Partitioner("sticky", new Random("k"));
    expect(p.partition("t", "foobar", { partitionCount: 10, available: [0] })).toBe(6);
  });
});

describe("partitioner: key sizes", () => {
  it("utf8Length agrees with the UTF-8 encoder for any string, surrogate pairs included", async () => {
    const { utf8, utf8Length } = await import("../../src/client/partitioner/murmur2.ts");
    const fc = (await import("fast-check")).default;
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => utf8Length(s) === utf8(s).length));
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffff })), (codes) => {
      const s = String.fromCharCode(...codes); // lone and paired surrogates alike
      return utf8Length(s) === utf8(s).length;
    }));
    for (const s of ["", "abc", "é", "漢字", "😀x", "\uD800\uD800", "\uDC00a", "\uD800"]) expect(utf8Length(s)).toBe(utf8(s).length);
  });
});
