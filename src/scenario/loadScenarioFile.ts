import { readFileSync } from "node:fs";
import { parseScenario, type ScenarioResult } from "./parseScenario.ts";
import { ScenarioError } from "./ScenarioError.ts";

/**
 * Reads and parses a scenario file. The only file I/O of the scenario layer, synchronous
 * (a scenario is small and read once before a run); a file that cannot be read is a
 * ScenarioError at line 1 like any other problem, never a throw.
 */
export function loadScenarioFile(path: string): ScenarioResult {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, errors: [new ScenarioError(path, 1, 1, "", `cannot read the file: ${describeIoError(error)}`)] };
  }
  return parseScenario(source, path);
}

function describeIoError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
