import { describe, expect, it } from "vitest";
import { CORRUPT_RECORD, Simulation, type DiskOptions, type SimNode } from "../../sim/index.ts";
import { at, range } from "./helpers.ts";

interface Entry {
  readonly sizeBytes: number;
  readonly n: number;
}

const entry = (n: number, sizeBytes = 10): Entry => ({ n, sizeBytes });

/** One node with a disk and a process that does nothing; tests work its disk directly. */
function diskNode(disk: Partial<DiskOptions> = {}, seed = "disk"): { sim: Simulation; node: SimNode } {
  const sim = new Simulation({ seed });
  const node = sim.addNode("n", () => ({ start() {}, receive() {} }), { disk });
  sim.run(); // boot
  return { sim, node };
}

function appendAll(node: SimNode, file: string, ns: number[]): void {
  const f = node.disk.file<Entry>(file);
  for (const n of ns) expect(node.disk.append(f, entry(n))).toBeNull();
}

function contents(node: SimNode, file: string): (number | "corrupt")[] {
  return node.disk.file<Entry>(file).readAll().map((r) => (r === CORRUPT_RECORD ? "corrupt" : r.n));
}

describe("disk: durability", () => {
  it("a write is readable at once, before any fsync", () => {
    const { node } = diskNode();
    appendAll(node, "log", [1, 2]);
    expect(contents(node, "log")).toEqual([1, 2]);
    expect(node.disk.file<Entry>("log").unsyncedCount).toBe(2);
  });

  it("synced data survives a crash; unsynced data does not (crashLoss all)", () => {
    const { sim, node } = diskNode({ crashLoss: "all" });
    appendAll(node, "log", [0, 1, 2]);
    node.disk.fsync(node.disk.file("log"));
    sim.run();
    appendAll(node, "log", [3, 4]);
    node.crash();
    expect(contents(node, "log")).toEqual([0, 1, 2]);
    node.restart();
    expect(contents(node, "log")).toEqual([0, 1, 2]);
  });

  it("a process crash (kill -9) loses nothing written: the page cache outlives the process", () => {
    const { sim, node } = diskNode({ crashLoss: "all" });
    appendAll(node, "log", [0, 1]);
    node.disk.fsync(node.disk.file("log"));
    appendAll(node, "log", [2]);
    node.crash("process");
    sim.run();
    expect(contents(node, "log")).toEqual([0, 1, 2]);
    // The flush under way at the kill still completed: a later power loss keeps [0, 1].
    node.restart();
    sim.run();
    node.crash("machine");
    expect(contents(node, "log")).toEqual([0, 1]);
  });

  it("a write made while an fsync is under way is not covered by it", () => {
    const { sim, node } = diskNode();
    appendAll(node, "log", [0, 1]);
    node.disk.fsync(node.disk.file("log"));
    appendAll(node, "log", [2]);
    sim.run();
    node.crash();
    expect(contents(node, "log")).toEqual([0, 1]);
  });

  it("an fsync that had not completed at the crash makes nothing durable", () => {
    const { sim, node } = diskNode({ fsyncMicros: 1_000 });
    appendAll(node, "log", [0, 1]);
    node.disk.fsync(node.disk.file("log"));
    sim.run({ untilMicros: sim.now + 500 });
    node.crash();
    node.restart();
    sim.run();
    expect(contents(node, "log")).toEqual([]);
  });

  it("with crashLoss torn, a prefix of the unsynced tail may survive, its last record possibly corrupt", () => {
    const kept = new Set<number>();
    let corruptSeen = 0;
    for (const seed of range(60).map((i) => `torn-${i}`)) {
      const { sim, node } = diskNode({ crashLoss: "torn" }, seed);
      appendAll(node, "log", range(10));
      node.disk.fsync(node.disk.file("log"));
      sim.run();
      appendAll(node, "log", range(10).map((i) => 10 + i));
      node.crash();
      const after = contents(node, "log");
      expect(after.length).toBeGreaterThanOrEqual(10);
      expect(after.length).toBeLessThanOrEqual(20);
      // Synced records are intact; the survivors are a prefix of what was written.
      expect(after.slice(0, 10)).toEqual(range(10));
      after.forEach((r, i) => {
        if (r === "corrupt") expect(i).toBe(after.length - 1);
        else expect(r).toBe(i);
      });
      if (after.at(-1) === "corrupt") corruptSeen++;
      kept.add(after.length - 10);
    }
    expect(kept.has(0)).toBe(true); // sometimes the whole tail is lost
    expect([...kept].some((k) => k > 0)).toBe(true); // sometimes part of it survives
    expect(kept.size).toBeGreaterThan(5);
    expect(corruptSeen).toBeGreaterThan(0);
  });

  it("torn crashes are deterministic for a seed", () => {
    const outcome = (): (number | "corrupt")[] => {
      const { node } = diskNode({ crashLoss: "torn" }, "torn-same");
      appendAll(node, "log", range(30));
      node.crash();
      return contents(node, "log");
    };
    expect(outcome()).toEqual(outcome());
  });

  it("a file's creation survives a crash even when none of its writes do", () => {
    const { node } = diskNode();
    appendAll(node, "new.log", [1]);
    node.crash();
    expect(node.disk.exists("new.log")).toBe(true);
    expect(contents(node, "new.log")).toEqual([]);
  });
});

describe("disk: fsync completion", () => {
  it("the completion callback runs after the flush latency plus the dirty bytes over the throughput", () => {
    const { sim, node } = diskNode({ fsyncMicros: 1_000, throughputBytesPerSec: 1_000_000 });
    const start = sim.now;
    const done: number[] = [];
    const log = node.disk.file<Entry>("log");
    node.disk.append(log, entry(0, 500));
    node.disk.fsync(log, () => done.push(sim.now - start));
    sim.run();
    expect(done).toEqual([1_500]);
    expect(log.unsyncedCount).toBe(0);
  });

  it("fsyncs run one at a time", () => {
    const { sim, node } = diskNode({ fsyncMicros: 1_000, throughputBytesPerSec: 1_000_000 });
    const start = sim.now;
    const done: string[] = [];
    const a = node.disk.file<Entry>("a");
    const b = node.disk.file<Entry>("b");
    node.disk.append(a, entry(0, 500));
    node.disk.fsync(a, () => done.push(`a@${sim.now - start}`));
    node.disk.fsync(b, () => done.push(`b@${sim.now - start}`));
    sim.run();
    expect(done).toEqual(["a@1500", "b@2500"]);
  });

  it("the completion callback does not run if the node crashed first, not even in the next incarnation", () => {
    const { sim, node } = diskNode({ fsyncMicros: 1_000 });
    let called = false;
    appendAll(node, "log", [0]);
    node.disk.fsync(node.disk.file("log"), () => (called = true));
    at(sim, sim.now + 500, () => node.crash());
    at(sim, sim.now + 600, () => node.restart());
    sim.run();
    expect(called).toBe(false);
    expect(node.isUp).toBe(true);
  });

  it("a slow disk takes factor times longer to fsync", () => {
    const { sim, node } = diskNode({ fsyncMicros: 1_000, throughputBytesPerSec: 1_000_000 });
    node.disk.slow(4);
    const start = sim.now;
    const done: number[] = [];
    node.disk.fsync(node.disk.file("log"), () => done.push(sim.now - start));
    sim.run();
    node.disk.slow(1);
    const again = sim.now;
    node.disk.fsync(node.disk.file("log"), () => done.push(sim.now - again));
    sim.run();
    expect(done).toEqual([4_000, 1_000]);
  });
});

describe("disk: truncate, replace, delete", () => {
  it("truncation is durable at once, even below the synced length", () => {
    const { sim, node } = diskNode();
    appendAll(node, "log", range(5));
    node.disk.fsync(node.disk.file("log"));
    sim.run();
    node.disk.truncate(node.disk.file("log"), 2);
    expect(contents(node, "log")).toEqual([0, 1]);
    node.crash();
    expect(contents(node, "log")).toEqual([0, 1]);
  });

  it("records appended after a truncation are not durable until synced", () => {
    const { sim, node } = diskNode();
    appendAll(node, "log", range(5));
    node.disk.fsync(node.disk.file("log"));
    sim.run();
    node.disk.truncate(node.disk.file("log"), 2);
    appendAll(node, "log", [7, 8]);
    node.crash();
    expect(contents(node, "log")).toEqual([0, 1]);
  });

  it("an fsync under way during a truncation covers no more than the truncated length", () => {
    const { sim, node } = diskNode();
    appendAll(node, "log", range(5));
    node.disk.fsync(node.disk.file("log"));
    node.disk.truncate(node.disk.file("log"), 2);
    appendAll(node, "log", [7, 8]);
    sim.run(); // the fsync completes
    node.crash();
    expect(contents(node, "log")).toEqual([0, 1]);
  });

  it("a replaced file reads the new content at once, but a crash before the next fsync brings back the old", () => {
    const { sim, node } = diskNode();
    const f = node.disk.file<Entry>("meta");
    appendAll(node, "meta", [1, 2, 3]);
    node.disk.fsync(f);
    sim.run();
    expect(node.disk.replace(f, [entry(9)])).toBeNull();
    expect(contents(node, "meta")).toEqual([9]);
    node.crash();
    expect(contents(node, "meta")).toEqual([1, 2, 3]);
  });

  it("a replaced file is durable once synced", () => {
    const { sim, node } = diskNode();
    const f = node.disk.file<Entry>("meta");
    appendAll(node, "meta", [1, 2, 3]);
    node.disk.fsync(f);
    sim.run();
    node.disk.replace(f, [entry(9), entry(10)]);
    node.disk.fsync(f);
    sim.run();
    appendAll(node, "meta", [11]);
    node.crash();
    expect(contents(node, "meta")).toEqual([9, 10]);
    expect(f.sizeBytes).toBe(20);
  });

  it("replace keeps its own copy: the caller's array may be frozen or changed afterwards", () => {
    const { node } = diskNode();
    const f = node.disk.file<Entry>("meta");
    const snapshot = Object.freeze([entry(1)]) as Entry[];
    expect(node.disk.replace(f, snapshot)).toBeNull();
    expect(node.disk.append(f, entry(2))).toBeNull();
    expect(contents(node, "meta")).toEqual([1, 2]);
    const reused = [entry(5)];
    node.disk.replace(f, reused);
    reused.push(entry(6));
    expect(contents(node, "meta")).toEqual([5]);
  });

  it("a deleted file stays deleted across a crash, and a pending fsync of it does nothing", () => {
    const { sim, node } = diskNode();
    appendAll(node, "old", [1]);
    node.disk.fsync(node.disk.file("old"));
    sim.run();
    node.disk.fsync(node.disk.file("old"));
    node.disk.delete("old");
    sim.run();
    expect(node.disk.exists("old")).toBe(false);
    node.crash();
    expect(node.disk.exists("old")).toBe(false);
    expect(node.disk.list()).toEqual([]);
  });

  it("lists files by prefix, sorted", () => {
    const { node } = diskNode();
    for (const name of ["log/2", "meta", "log/10", "log/1"]) node.disk.file(name);
    expect(node.disk.list("log/")).toEqual(["log/1", "log/10", "log/2"]);
    expect(node.disk.list()).toHaveLength(4);
  });
});
