import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KSIM, ksim } from "./ksimProcess.ts";

const dir = mkdtempSync(join(tmpdir(), "ksim-cli-"));
const tiny = join(dir, "tiny.yaml");
writeFileSync(tiny, "name: tiny\nduration: 5s\nsettle: 10s\ntopics: [{ name: orders }]\nproducers: [{ topic: orders, rate: 200 }]\n");

describe("command line: the basics", () => {
  it("--version prints the package version and exits 0", () => {
    const version = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")).version;
    expect(execFileSync(process.execPath, [KSIM, "--version"], { encoding: "utf8" }).trim()).toBe(version);
  });

  it("--help lists the commands", () => {
    const r = ksim("--help");
    expect(r.status).toBe(0);
    for (const command of ["run", "validate", "demo"]) expect(r.stdout).toContain(command);
  });

  it("an unknown flag is a usage error: exit 2, no stack trace", () => {
    const r = ksim("run", tiny, "--bogus");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("command line: bad scenario files", () => {
  it("names the file, line, column and field, with a did-you-mean, and exits 2", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\nduration: 10 s\ncluster:\n  config:\n    min.insync.replica: 2\n");
    const r = ksim("run", bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:11: duration:`);
    expect(r.stderr).toContain(`${bad}:5:5: cluster.config.min.insync.replica: unknown broker key (did you mean "min.insync.replicas"?)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a missing file is bad input too", () => {
    const r = ksim("validate", join(dir, "nope.yaml"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no such file");
  });

  it("an output file in a missing directory is refused before the run, and nothing is written", () => {
    const r = ksim("run", tiny, "--history", join(dir, "missing", "h.edn"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("does not exist");
  });
});

describe("command line: a run", () => {
  it("--json prints one object with the run's verdict and figures, the same for the same seed", () => {
    const first = ksim("run", tiny, "--json", "--seed", "5");
    const second = ksim("run", tiny, "--json", "--seed", "5");
    expect(first.status).toBe(0);
    const summary = JSON.parse(first.stdout);
    for (const key of ["scenario", "seed", "fingerprint", "ok", "sent", "acked", "lostAcked", "throughput", "produceLatencyMs", "violations", "expectations"]) {
      expect(summary).toHaveProperty(key);
    }
    expect(Object.keys(summary.produceLatencyMs)).toEqual(expect.arrayContaining(["p50", "p99", "p999", "max"]));
    expect(summary.ok).toBe(true);
    expect(summary.violations).toEqual([]);
    expect(JSON.parse(second.stdout).fingerprint).toBe(summary.fingerprint);
  });

  it("--history writes the client-visible history as EDN or JSON lines under the name asked for", () => {
    const edn = join(dir, "h.edn");
    const jsonl = join(dir, "h.jsonl");
    expect(ksim("run", tiny, "--history", edn).status).toBe(0);
    expect(ksim("run", tiny, "--history", jsonl).status).toBe(0);
    expect(readFileSync(edn, "utf8").split("\n")[0]).toMatch(/^\{:type :invoke, :f :send, :value \[\[:send \d+ \d+\]\]/);
    const op = JSON.parse(readFileSync(jsonl, "utf8").split("\n")[0]!);
    expect(op).toMatchObject({ index: 0, type: "invoke", f: "send" });
    expect(existsSync(`${edn}.partial`)).toBe(false);
  });

  it("a failed expectation exits 1", () => {
    const strict = join(dir, "strict.yaml");
    writeFileSync(strict, "name: strict\nduration: 5s\nsettle: 5s\ntopics: [{ name: orders }]\nproducers: [{ topic: orders, rate: 100 }]\nexpect:\n  lost-write: \">0\"\n");
    const r = ksim("run", strict);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("FAIL");
  });
});
