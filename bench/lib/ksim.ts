/**
 * Times a whole `ksim` command (bin/ksim.js) in a child process, from spawn to exit:
 * what a user waits for, process start-up and worker threads included.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./child.ts";
import { childrenCpuMs } from "./childCpu.ts";

export interface KsimTiming {
  readonly wallMs: number;
  /** Its CPU time, every thread (user + system, 10 ms resolution); null where it cannot be read. */
  readonly cpuMs: number | null;
  /** The command's stdout (its --json result). */
  readonly stdout: string;
}

export function timeKsim(args: readonly string[], timeoutMs: number): KsimTiming {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const child = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "ksim.js"), ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 26 });
  const wallMs = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  if (child.error) throw new Error(`ksim ${args.join(" ")}: ${child.error.message}`);
  // Exit 1 is a verdict (a failing seed, a violation), not a broken benchmark; 2 and 3 are.
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`ksim ${args.join(" ")} exited with ${child.status ?? child.signal}: ${(child.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
  }
  return { wallMs, cpuMs, stdout: child.stdout ?? "" };
}
