import { describe, expect, it } from "vitest";
import { AssertionError, CORRUPT_RECORD, Simulation, collectTrace, type DiskOptions, type SimNode } from "../../sim/index.ts";

interface Entry {
  readonly sizeBytes: number;
  readonly n: number;
}

const entry = (n: number, sizeBytes = 10): Entry => ({ n, sizeBytes });

function diskNode(disk: Partial<DiskOptions> = {}): { sim: Simulation; node: SimNode; trace: ReturnType<typeof collectTrace> } {
  const trace = collectTrace();
  const sim = new Simulation({ seed: "disk-faults", trace: trace.sink });
  const node = sim.addNode("n", () => ({ start() {}, receive() {} }), { disk });
  sim.run();
  return { sim, node, trace };
}

describe("disk: full", () => {
  it("a full disk fails writes with disk-full and changes nothing, until it is cleared", () => {
    const { node } = diskNode();
    const f = node.disk.file<Entry>("log");
    expect(node.disk.append(f, entry(0))).toBeNull();
    node.disk.full(true);
    expect(node.disk.append(f, entry(1))).toBe("disk-full");
    expect(node.disk.replace(f, [entry(2)])).toBe("disk-full");
    expect(f.readAll()).toEqual([entry(0)]);
    expect(f.sizeBytes).toBe(10);
    node.disk.full(false);
    expect(node.disk.append(f, entry(3))).toBeNull();
    expect(f.length).toBe(2);
  });

  it("writes beyond capacityBytes fail; writes that fit succeed", () => {
    const { node } = diskNode({ capacityBytes: 100 });
    const a = node.disk.file<Entry>("a");
    const b = node.disk.file<Entry>("b");
    expect(node.disk.append(a, entry(0, 60))).toBeNull();
    expect(node.disk.append(b, entry(1, 40))).toBeNull(); // exactly full
    expect(node.disk.append(b, entry(2, 1))).toBe("disk-full");
    expect(node.disk.usedBytes).toBe(100);
    // Replacing with something smaller frees space.
    expect(node.disk.replace(a, [entry(3, 20)])).toBeNull();
    expect(node.disk.append(b, entry(4, 40))).toBeNull();
    expect(node.disk.replace(a, [entry(5, 21)])).toBe("disk-full");
  });

  it("the full-disk fault is in the trace", () => {
    const { node, trace } = diskNode();
    node.disk.full(true);
    expect(trace.events.filter((e) => e.kind === "disk-full")).toEqual([{ at: 0, kind: "disk-full", node: "n", on: true }]);
  });
});

describe("disk: corruption", () => {
  it("a corrupt record is detected on read; its neighbours read fine", () => {
    const { node } = diskNode();
    const f = node.disk.file<Entry>("log");
    for (let n = 0; n < 3; n++) node.disk.append(f, entry(n));
    node.disk.corrupt("log", 1);
    expect(f.read(0)).toEqual(entry(0));
    expect(f.read(1)).toBe(CORRUPT_RECORD);
    expect(f.read(2)).toEqual(entry(2));
    expect(f.readAll()).toEqual([entry(0), CORRUPT_RECORD, entry(2)]);
  });

  it("corruption is a mark beside the record, not a change to it", () => {
    const { node } = diskNode();
    const f = node.disk.file<Entry>("log");
    const record = entry(7);
    node.disk.append(f, record);
    node.disk.corrupt("log", 0);
    expect(record).toEqual(entry(7));
  });

  it("a corrupt synced record is still corrupt after a crash", () => {
    const { sim, node } = diskNode();
    const f = node.disk.file<Entry>("log");
    node.disk.append(f, entry(0));
    node.disk.append(f, entry(1));
    node.disk.fsync(f);
    sim.run();
    node.disk.corrupt("log", 1);
    node.crash();
    expect(f.readAll()).toEqual([entry(0), CORRUPT_RECORD]);
  });

  it("truncating away a corrupt record removes the corruption", () => {
    const { node } = diskNode();
    const f = node.disk.file<Entry>("log");
    node.disk.append(f, entry(0));
    node.disk.append(f, entry(1));
    node.disk.corrupt("log", 1);
    node.disk.truncate(f, 1);
    node.disk.append(f, entry(2));
    expect(f.readAll()).toEqual([entry(0), entry(2)]);
  });

  it("corrupting a missing file or past a file's end is a test bug, caught at once", () => {
    const { node } = diskNode();
    expect(() => node.disk.corrupt("nope", 0)).toThrow(AssertionError);
    node.disk.file("log");
    expect(() => node.disk.corrupt("log", 0)).toThrow(AssertionError);
  });

  it("reading past a file's end is caught", () => {
    const { node } = diskNode();
    expect(() => node.disk.file<Entry>("log").read(0)).toThrow(AssertionError);
  });
});
