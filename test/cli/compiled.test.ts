import { spawnSync } from "node:child_process";
import { mkdtempSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { bundle, freshBundle } from "../../bin/compiled.js";

const ROOT = join(import.meta.dirname, "..", "..");
const KSIM = join(ROOT, "bin", "ksim.js");
const dir = mkdtempSync(join(tmpdir(), "ksim-compiled-"));

const scenario = join(dir, "short.yaml");
writeFileSync(
  scenario,
  [
    "name: short",
    "duration: 3s",
    "settle: 10s",
    "cluster: { brokers: 3, config: { replica.lag.time.max.ms: 1s..4s } }",
    "topics: [{ name: orders, partitions: 2, replication.factor: 3 }]",
    "producers: [{ topic: orders, rate: 100, config: { acks: all } }]",
    "faults: [{ at: 1s, crash: leader(orders/0), for: 1s }]",
    "",
  ].join("\n"),
);

/** ksim's main run straight from the TypeScript sources through tsx, as bin/ksim.js did before the bundle. */
const fromSources = join(dir, "from-sources.mjs");
writeFileSync(
  fromSources,
  `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "src", "cli", "main.ts")).href)});\nprocess.exitCode = await main(process.argv);\n`,
);

function node(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("ksim compiled into one module", () => {
  it("runs a scenario to the same summary and fingerprint as the TypeScript sources run through tsx", () => {
    const compiled = node([KSIM, "run", scenario, "--seed", "3", "--json"]);
    const sources = node(["--import", "tsx", fromSources, "run", scenario, "--seed", "3", "--json"]);
    expect(compiled.stderr).toBe("");
    expect(compiled.status).toBe(sources.status);
    expect(JSON.parse(compiled.stdout)).toEqual(JSON.parse(sources.stdout));
    expect(freshBundle()).not.toBeNull();
  });

  it("is rebuilt once a source it was built from changes", async () => {
    const url = await bundle();
    expect(url).not.toBeNull();
    expect(freshBundle()).toBe(url);
    const source = join(ROOT, "src", "cli", "fuzz", "seedWorkerMain.ts");
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(mtime.getTime() + 2000));
      expect(freshBundle()).toBeNull();
      expect(await bundle()).toBe(url);
      expect(freshBundle()).toBe(url);
    } finally {
      // The file's own time back: the bundle then looks stale once more and the next run rebuilds it.
      utimesSync(source, atime, mtime);
    }
  });
});
