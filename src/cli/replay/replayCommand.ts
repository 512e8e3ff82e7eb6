import { DurationError, parseDuration, type Micros } from "../../../sim/index.ts";
import { describeCluster } from "../describe/describeCluster.ts";
import { formatCluster, formatWhen } from "../describe/formatCluster.ts";
import { expandScenarioPaths, loadAll, runCommand } from "../runCommand.ts";
import { openWorld } from "../runScenario.ts";
import { TraceFile } from "../TraceFile.ts";
import { UsageError } from "../UsageError.ts";
import { checkWritable } from "../checkWritable.ts";

export interface ReplayOptions {
  readonly seed: string;
  readonly trace?: string;
  /** A simulated time, counted from the start of the load phase as fault times are (`12s`). */
  readonly until?: string;
  readonly json?: boolean;
}

/**
 * `ksim replay FILE --seed S`: the run `ksim run` makes of that file and seed (the same
 * summary, verdict and exit code), with its trace written where --trace says. With
 * `--until T` it stops at T into the load phase and prints the cluster's state there
 * instead of a verdict (exit 0: a state is not a judgement).
 */
export function replayCommand(path: string, options: ReplayOptions): number {
  if (expandScenarioPaths([path]).length !== 1) throw new UsageError(`replay takes one scenario file; ${path} is a directory`);
  if (options.until === undefined) return runCommand([path], { seed: options.seed, json: options.json, trace: options.trace });
  const untilMicros = parseUntil(options.until);
  const [scenario] = loadAll([path]);
  if (options.trace) checkWritable(options.trace, "--trace");
  const trace = options.trace ? new TraceFile(options.trace) : null;
  let output: string;
  try {
    const world = openWorld(scenario!, options.seed, trace?.sink);
    const phases = world.run({ stopAtMicros: untilMicros });
    const state = describeCluster(world, phases.loadStartMicros);
    const found = world.violations.list().map((v) => ({ invariant: v.invariant, count: v.count }));
    const why = world.livenessProblems.length === 0 ? "the cluster had recovered" : "the settle bound had passed";
    const ended = phases.stopped ? null : `The run ended there, before --until ${options.until}: ${why}.`;
    if (options.json) {
      output = JSON.stringify({ scenario: scenario!.name, file: scenario!.file, seed: options.seed, untilMicros, stopped: phases.stopped === true, violationsSoFar: found, state });
    } else {
      const header = `${scenario!.name} (${scenario!.file}, profile ${scenario!.profile}, seed ${options.seed}): the cluster at ${formatWhen(state)}`;
      const soFar = `Found so far: ${found.length === 0 ? "no violation" : found.map((v) => `${v.invariant} ${v.count}`).join(", ")}`;
      output = [header, ...(ended ? [ended] : []), "", formatCluster(state), soFar].join("\n");
    }
    trace?.finish();
  } catch (error) {
    trace?.abandon();
    const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new Error(`${path} with seed ${options.seed} stopped: ${why}\nreplay with: npx ksim replay ${path} --seed ${options.seed} --trace trace.jsonl`);
  }
  process.stdout.write(output + "\n");
  return 0;
}

function parseUntil(text: string): Micros {
  try {
    return parseDuration(text);
  } catch (error) {
    const why = error instanceof DurationError ? error.message : String(error);
    throw new UsageError(`--until ${text}: ${why} (a simulated time from the start of the load phase, like 12s or 1500ms)`);
  }
}

