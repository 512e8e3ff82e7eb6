import { statSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "./UsageError.ts";

/** A flag's output file must be creatable: its directory exists and is a directory (checked before any run). */
export function checkWritable(path: string, flag: string): void {
  const dir = dirname(path);
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`${flag} ${path}: the directory ${dir} does not exist`);
}
