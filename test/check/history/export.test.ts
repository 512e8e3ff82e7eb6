import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { History, ednKeys, historyEdnLines, historyJsonLines, writeHistory } from "../../../src/check/history/index.ts";
import { writeLinesToFile } from "../../../src/check/history/ChunkedFile.ts";
import { scriptedHistory } from "./scripted.ts";

function lines(produce: (emit: (line: string) => void) => void): string[] {
  const out: string[] = [];
  produce((line) => out.push(line));
  return out;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ksim-history-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("history: the EDN form jepsen.tests.kafka reads", () => {
  const edn = lines((emit) => historyEdnLines(scriptedHistory(), emit));

  it("writes a send's invoke and ok as [:send k v] and [:send k [offset v]] micro-operations", () => {
    expect(edn[0]).toBe("{:type :invoke, :f :send, :value [[:send 0 1]], :process 0, :time 100000, :index 0}");
    expect(edn[2]).toBe("{:type :ok, :f :send, :value [[:send 0 [0 1]]], :process 0, :time 200000, :index 2}");
  });

  it("writes an unknown outcome as :info with the invoke's value, and retires its process", () => {
    expect(edn[1]).toBe("{:type :invoke, :f :send, :value [[:send 1 2]], :process 1, :time 110000, :index 1}");
    expect(edn[3]).toBe("{:type :info, :f :send, :value [[:send 1 2]], :process 1, :time 300000, :index 3}");
    // The lane that crashed comes back as a new process.
    expect(edn[9]).toBe("{:type :invoke, :f :send, :value [[:send 1 5]], :process 3, :time 710000, :index 9}");
  });

  it("gives a send that never learned its partition its topic's unknown-partition key", () => {
    expect(edn[4]).toBe("{:type :invoke, :f :send, :value [[:send 2 3]], :process 0, :time 400000, :index 4}");
    expect(edn[5]).toBe("{:type :fail, :f :send, :value [[:send 2 3]], :process 0, :time 450000, :index 5}");
    expect(edn[8]).toBe("{:type :invoke, :f :send, :value [[:send 2 4]], :process 0, :time 700000, :index 8}");
  });

  it("writes a poll as an invoke [[:poll]] and an ok with [[offset v] ...] per key", () => {
    expect(edn[6]).toBe("{:type :invoke, :f :poll, :value [[:poll]], :process 2, :time 500000, :index 6}");
    expect(edn[7]).toBe("{:type :ok, :f :poll, :value [[:poll {0 [[0 1]]}]], :process 2, :time 500000, :index 7}");
    expect(edn[12]).toBe("{:type :ok, :f :poll, :value [[:poll {0 [[0 1]], 1 [[0 5]]}]], :process 2, :time 900000, :index 12}");
    expect(edn[14]).toBe("{:type :ok, :f :poll, :value [[:poll {}]], :process 2, :time 950000, :index 14}");
  });

  it("writes an acks=0 acknowledgement with a nil offset, and leaves commits out", () => {
    expect(edn[16]).toBe("{:type :ok, :f :send, :value [[:send 3 [nil 1000000001]]], :process 4, :time 1010000, :index 16}");
    expect(edn).toHaveLength(17);
    expect(edn.some((line) => line.includes(":commit"))).toBe(false);
  });

  it("keeps each Jepsen process single-threaded, and never reuses one after :info", () => {
    const h = scriptedHistory();
    for (let i = 0; i < 200; i++) h.sendInvoked("producer-2", 2000 + i, "orders", null, 5e9 + i);
    for (let i = 0; i < 200; i += 2) h.sendFailed("producer-2", 3000 + i, 5e9 + i, i % 4 === 0, 0);
    for (let i = 1; i < 200; i += 2) h.sendOk("producer-2", 4000 + i, 5e9 + i, 0, i);
    const outstanding = new Map<number, boolean>();
    const crashed = new Set<number>();
    for (const line of lines((emit) => historyEdnLines(h, emit))) {
      const [, type, process] = /^\{:type :(\w+), .*:process (\d+),/.exec(line)!;
      const p = Number(process);
      expect(crashed.has(p)).toBe(false);
      expect(outstanding.get(p) ?? false).toBe(type !== "invoke");
      outstanding.set(p, type === "invoke");
      if (type === "info") crashed.add(p);
    }
  });

  it("maps topic-partitions to integer keys in order of first appearance", () => {
    const h = scriptedHistory();
    historyEdnLines(h, () => {});
    expect(ednKeys(h)).toEqual(["orders-0", "orders-1", "orders-?", "audit-0"]);
  });
});

describe("history: the JSON lines form", () => {
  it("round-trips every operation, commits included, with names and microseconds", () => {
    const ops = lines((emit) => historyJsonLines(scriptedHistory(), emit)).map((line) => JSON.parse(line));
    expect(ops.map((op) => op.index)).toEqual([...Array(21).keys()]);
    expect(ops[0]).toEqual({ index: 0, time: 100, process: "producer-0", type: "invoke", f: "send", value: { topic: "orders", key: "key-1", valueId: 1 } });
    expect(ops[2]).toEqual({ index: 2, time: 200, process: "producer-0", type: "ok", f: "send", value: { topic: "orders", key: "key-1", valueId: 1, partition: 0, offset: 0 } });
    expect(ops[3]).toEqual({ index: 3, time: 300, process: "producer-0", type: "info", f: "send", value: { topic: "orders", key: null, valueId: 2, partition: 1 } });
    expect(ops[5].value).toEqual({ topic: "orders", key: "key-1", valueId: 3 });
    expect(ops[5].type).toBe("fail");
    expect(ops[6]).toEqual({ index: 6, time: 500, process: "consumer-0", type: "invoke", f: "poll", value: null });
    expect(ops[7].value).toEqual([{ topic: "orders", partition: 0, records: [[0, 1]] }]);
    expect(ops[8]).toEqual({ index: 8, time: 600, process: "consumer-0", type: "invoke", f: "commit", value: { group: "billing", topic: "orders", partition: 0, offset: 1, generation: 3 } });
    expect(ops[9].type).toBe("ok");
    expect(ops[14].value).toEqual([
      { topic: "orders", partition: 0, records: [[0, 1]] },
      { topic: "orders", partition: 1, records: [[0, 5]] },
    ]);
    expect(ops[18].type).toBe("fail");
    expect(ops[18].f).toBe("commit");
    expect(ops[20].value).toEqual({ topic: "audit", key: null, valueId: 1_000_000_001, partition: 0, offset: null });
  });
});

describe("history: a consumer's assignment", () => {
  it("is Jepsen's :assign op with the keys it was given in EDN, and a list of partitions in JSON lines", () => {
    const h = new History();
    h.polled("app-1", 5, [{ topic: "orders", partition: 1, offset: 0, valueId: 7 }]);
    h.assigned("app-1", 10, [{ topic: "orders", partition: 0 }, { topic: "orders", partition: 1 }]);
    const edn = lines((emit) => historyEdnLines(h, emit));
    expect(edn.slice(2)).toEqual([
      "{:type :invoke, :f :assign, :value [1 0], :process 0, :time 10000, :index 2}",
      "{:type :ok, :f :assign, :value [1 0], :process 0, :time 10000, :index 3}",
    ]);
    const json = lines((emit) => historyJsonLines(h, emit)).map((l) => JSON.parse(l));
    expect(json[3]).toEqual({ index: 3, time: 10, process: "app-1", type: "ok", f: "assign", value: [{ topic: "orders", partition: 0 }, { topic: "orders", partition: 1 }] });
  });
});

describe("history: export files", () => {
  it("writes the same bytes for the same operations", () => {
    const dir = tempDir();
    for (const name of ["a.jsonl", "b.jsonl", "a.edn", "b.edn"]) writeHistory(scriptedHistory(), join(dir, name));
    expect(readFileSync(join(dir, "a.jsonl"), "utf8")).toBe(readFileSync(join(dir, "b.jsonl"), "utf8"));
    expect(readFileSync(join(dir, "a.edn"), "utf8")).toBe(readFileSync(join(dir, "b.edn"), "utf8"));
  });

  it("picks EDN by the .edn extension and leaves no .partial behind", () => {
    const dir = tempDir();
    expect(writeHistory(scriptedHistory(), join(dir, "h.edn"))).toBe("edn");
    expect(writeHistory(scriptedHistory(), join(dir, "h.jsonl"))).toBe("jsonl");
    expect(readFileSync(join(dir, "h.edn"), "utf8").split("\n")[0]).toMatch(/^\{:type :invoke, :f :send/);
    expect(readFileSync(join(dir, "h.jsonl"), "utf8").split("\n")).toHaveLength(22);
    expect(existsSync(join(dir, "h.edn.partial"))).toBe(false);
    expect(existsSync(join(dir, "h.jsonl.partial"))).toBe(false);
  });

  it("leaves nothing under either name when the export fails midway", () => {
    const dir = tempDir();
    const path = join(dir, "broken.jsonl");
    expect(() =>
      writeLinesToFile(path, (emit) => {
        emit("{}");
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});
