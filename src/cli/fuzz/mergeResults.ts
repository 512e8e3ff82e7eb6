import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { UsageError } from "../UsageError.ts";
import { assemble, type FuzzResult } from "./FuzzResult.ts";

/**
 * `ksim fuzz --merge FILE_OR_DIR...`: joins the JSON results of a campaign's shards (each
 * written by `ksim fuzz --shard i/n --json` or `--out DIR`) into the result the campaign
 * would have had on one machine. A directory stands for its .json files.
 */
const drawn = z.object({ settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), faults: z.array(z.string()) });
const failure = z.object({
  seed: z.string(),
  invariants: z.array(z.string()),
  counts: z.record(z.string(), z.number()),
  replay: z.string(),
  drawn: drawn.optional(),
  fingerprints: z.tuple([z.string(), z.string()]).optional(),
  error: z.string().optional(),
});
const fuzzResult = z.object({
  scenario: z.string(),
  file: z.string(),
  fromSeed: z.number(),
  seeds: z.number(),
  shard: z.string().nullable(),
  failures: z.array(failure),
  determinism: z.object({ rechecked: z.number(), mismatched: z.array(z.string()) }),
  fingerprints: z.record(z.string(), z.string()),
});

export function readResults(paths: readonly string[]): { path: string; result: FuzzResult }[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`--merge ${path}: no such file or directory`);
    }
    if (!isDirectory) files.push(path);
    else files.push(...readdirSync(path).filter((f) => f.endsWith(".json")).sort().map((f) => join(path, f)));
  }
  if (files.length === 0) throw new UsageError("--merge needs fuzz results: JSON files, or directories holding them");
  return files.map((path) => ({ path, result: readResult(path) }));
}

function readResult(path: string): FuzzResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--merge ${path}: not a JSON file (${error instanceof SyntaxError ? error.message : "cannot read it"})`);
  }
  const parsed = fuzzResult.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--merge ${path}: not a ksim fuzz result (${issue?.path.join(".") || "the top level"}: ${issue?.message ?? "unexpected shape"})`);
  }
  return parsed.data as unknown as FuzzResult;
}

/** One campaign's shards joined; refuses results of different scenarios or overlapping seeds. */
export function mergeResults(inputs: readonly { path: string; result: FuzzResult }[]): { result: FuzzResult; missingShards: string[] } {
  const [first] = inputs;
  if (first === undefined) throw new UsageError("--merge needs at least one result");
  const seen = new Map<string, string>();
  const shards = new Map<string, string>();
  let total: number | null = null;
  for (const { path, result } of inputs) {
    for (const key of ["scenario", "file", "fromSeed"] as const) {
      if (result[key] !== first.result[key]) {
        throw new UsageError(`--merge ${path}: a result of another campaign (${key} ${JSON.stringify(result[key])}, not ${JSON.stringify(first.result[key])} as in ${first.path})`);
      }
    }
    if (result.shard !== null) {
      const [, of] = result.shard.split("/");
      if (total !== null && String(total) !== of) throw new UsageError(`--merge ${path}: shard ${result.shard} is of a campaign split ${of} ways, the others ${total} ways`);
      total = Number(of);
      if (shards.has(result.shard)) throw new UsageError(`--merge ${path}: shard ${result.shard} is also in ${shards.get(result.shard)}`);
      shards.set(result.shard, path);
    }
    for (const seed of [...Object.keys(result.fingerprints), ...result.failures.map((f) => f.seed)]) {
      const other = seen.get(seed);
      if (other !== undefined && other !== path) throw new UsageError(`--merge ${path}: seed ${seed} is also in ${other}; give each shard once`);
      seen.set(seed, path);
    }
  }
  const missingShards = total === null ? [] : Array.from({ length: total }, (_, i) => `${i + 1}/${total}`).filter((s) => !shards.has(s));
  const result = assemble({
    scenario: first.result.scenario,
    file: first.result.file,
    fromSeed: first.result.fromSeed,
    shard: null,
    seeds: inputs.reduce((n, i) => n + i.result.seeds, 0),
    failures: inputs.flatMap((i) => i.result.failures),
    fingerprints: Object.assign({}, ...inputs.map((i) => i.result.fingerprints)) as Record<string, string>,
    rechecked: inputs.reduce((n, i) => n + i.result.determinism.rechecked, 0),
    mismatched: inputs.flatMap((i) => i.result.determinism.mismatched),
  });
  return { result, missingShards };
}
