import { settingPlace, settingValueProblem, type Setting } from "../../scenario/withSetting.ts";
import { didYouMean } from "../../protocol/config/index.ts";
import { UsageError } from "../UsageError.ts";

/** One `--vary KEY=V1,V2,...` flag: a key and the values to try, in the order given. */
export interface Vary {
  readonly key: string;
  readonly values: readonly string[];
}

/**
 * Reads the --vary flags: each names a known key once, with distinct values the loader
 * would accept; anything else is a usage error naming the flag (before anything runs).
 */
export function parseVaryFlags(flags: readonly string[]): Vary[] {
  if (flags.length === 0) throw new UsageError("compare needs at least one --vary KEY=V1,V2,... (for example --vary acks=1,all)");
  const varies: Vary[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0 || eq === flag.length - 1) throw new UsageError(`--vary ${flag}: expected KEY=V1,V2,... (for example --vary acks=1,all)`);
    const key = flag.slice(0, eq).trim();
    const values = flag.slice(eq + 1).split(",").map((v) => v.trim());
    const place = settingPlace(key);
    if (!place.ok) throw new UsageError(`--vary ${flag}: ${place.problem}${didYouMean(place.suggestion)}`);
    if (varies.some((v) => v.key === key)) throw new UsageError(`--vary ${flag}: ${key} is varied twice; give all its values in one flag`);
    if (values.some((v) => v === "")) throw new UsageError(`--vary ${flag}: an empty value`);
    if (new Set(values).size !== values.length) throw new UsageError(`--vary ${flag}: a value is given twice`);
    for (const value of values) {
      const problem = settingValueProblem(key, value);
      if (problem !== null) throw new UsageError(`--vary ${flag}: ${key}=${value}: ${problem}`);
    }
    varies.push({ key, values });
  }
  return varies;
}

/** Every combination of the varied values, the first flag varying slowest (the table's order). */
export function combinations(varies: readonly Vary[]): Setting[][] {
  let out: Setting[][] = [[]];
  for (const v of varies) out = out.flatMap((prefix) => v.values.map((value) => [...prefix, { key: v.key, value }]));
  return out;
}

/** `acks=1 min.insync.replicas=2`. */
export function describeCombination(settings: readonly Setting[]): string {
  return settings.map((s) => `${s.key}=${s.value}`).join(" ");
}
