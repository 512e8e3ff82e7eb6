import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { childrenCpuMs } from "../../bench/lib/childCpu.ts";

describe("bench: a child's CPU time", () => {
  it("grows by the CPU time a waited-for child burns, and not by time it spends asleep", () => {
    const before = childrenCpuMs();
    if (before === null) return; // not Linux: the bench reports wall time only
    // Busy until it has used 300 ms of CPU itself, however busy the machine is.
    spawnSync(process.execPath, ["-e", "const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (cpu() < 300) {}"]);
    const afterBusy = childrenCpuMs()!;
    spawnSync(process.execPath, ["-e", "setTimeout(() => {}, 300)"]);
    const afterSleep = childrenCpuMs()!;
    expect(afterBusy - before).toBeGreaterThanOrEqual(250);
    expect(afterSleep - afterBusy).toBeLessThan(200);
  });
});
