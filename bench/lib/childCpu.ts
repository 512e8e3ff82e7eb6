/**
 * CPU time (user + system) of the child processes this process has waited for, in ms, from
 * Linux's /proc/self/stat (cutime and cstime, fields 16 and 17, in clock ticks of 10 ms:
 * USER_HZ is 100 on Linux); null where there is no such file. On a machine shared with other
 * work a command's CPU time says what it costs, while its wall time says how busy the machine was.
 */
import { readFileSync } from "node:fs";

const MS_PER_TICK = 10;

export function childrenCpuMs(): number | null {
  let stat: string;
  try {
    stat = readFileSync("/proc/self/stat", "utf8");
  } catch {
    return null;
  }
  // After the command name (in parentheses, which may hold spaces) come fields 3, 4, ...
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cutime = Number(fields[16 - 3]);
  const cstime = Number(fields[17 - 3]);
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? (cutime + cstime) * MS_PER_TICK : null;
}
