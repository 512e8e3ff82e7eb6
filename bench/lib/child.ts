/**
 * Runs one benchmark workload in a fresh node process (bench/lib/workloadChild.ts), so its
 * peak RSS is its own and one workload's garbage does not slow the next. A run that dies
 * (out of memory, say) or passes the time limit is reported, not thrown: the bench goes on
 * and prints what it could.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkloadRun } from "./workloadChild.ts";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHILD = path.join(REPO_ROOT, "bench", "lib", "workloadChild.ts");

export type ChildOutcome =
  | { readonly ok: true; readonly run: WorkloadRun }
  | { readonly ok: false; readonly reason: string; readonly wallMs: number };

export interface ChildOptions {
  /** The scenario file, relative to the repository root. */
  readonly scenario: string;
  /** Overrides the file's load duration (seconds simulated); the file's own when undefined. */
  readonly durationSec?: number;
  readonly seed: string;
  readonly timeoutMs: number;
}

export function runWorkloadChild(options: ChildOptions): ChildOutcome {
  const args = ["--import", "tsx", CHILD, options.scenario, options.durationSec === undefined ? "" : String(options.durationSec), options.seed];
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8", timeout: options.timeoutMs, maxBuffer: 1 << 24 });
  const wallMs = performance.now() - start;
  if (child.error && (child.error as NodeJS.ErrnoException).code === "ETIMEDOUT") {
    return { ok: false, reason: `did not finish within ${Math.round(options.timeoutMs / 1000)} s (wall)`, wallMs };
  }
  if (child.status !== 0) {
    const stderr = child.stderr ?? "";
    const outOfMemory = /heap out of memory|Allocation failed|Invalid array length|Map maximum size exceeded|Array buffer allocation failed/i.test(stderr);
    const lastLine = stderr.trim().split("\n").filter((l) => l.trim() !== "").slice(-1)[0] ?? "";
    const how = child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`;
    return { ok: false, reason: `${outOfMemory ? "out of memory" : "failed"} after ${(wallMs / 1000).toFixed(0)} s wall (${how}): ${lastLine.slice(0, 200)}`, wallMs };
  }
  const line = (child.stdout ?? "").trim().split("\n").slice(-1)[0] ?? "";
  try {
    return { ok: true, run: JSON.parse(line) as WorkloadRun };
  } catch {
    return { ok: false, reason: `printed no result: ${line.slice(0, 200)}`, wallMs };
  }
}
