import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The `ksim` command of this checkout, as a newcomer runs it. */
export const KSIM = join(import.meta.dirname, "..", "..", "bin", "ksim.js");

/** Runs `node bin/ksim.js ...args` to its end (colours off) and returns its exit status and output. */
export function ksim(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [KSIM, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
