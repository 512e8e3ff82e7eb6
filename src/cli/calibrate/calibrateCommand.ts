import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { formatScenarioErrors, InvalidScenario } from "../../scenario/index.ts";
import { UsageError } from "../UsageError.ts";
import { CALIBRATIONS, type Calibration, type CalibrationRun } from "./calibrations.ts";
import { formatCalibration } from "./formatCalibration.ts";
import { measureThroughput, type ThroughputMeasure } from "./measureThroughput.ts";

/** The calibration scenarios shipped with ksim (scenarios/calibration/ at the repository's root). */
export const CALIBRATION_DIR = fileURLToPath(new URL("../../../scenarios/calibration/", import.meta.url));

export interface CalibrateOptions {
  readonly seed: string;
  readonly json?: boolean;
  readonly dir?: string;
  /** Only these calibrations (by id); all when absent. */
  readonly only?: readonly string[];
}

/** One published ratio against what ksim gives. */
export interface CalibrationResult {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly publishedDetail: string;
  readonly published: number;
  readonly measured: number;
  /** measured / published - 1. */
  readonly deviation: number;
  readonly tolerance: number;
  readonly ok: boolean;
  readonly numerator: ThroughputMeasure;
  readonly denominator: ThroughputMeasure;
}

export interface CalibrationReport {
  readonly seed: string;
  readonly ok: boolean;
  readonly results: readonly CalibrationResult[];
}

export function addCalibrateCommand(cli: Command, setExit: (code: number) => void): void {
  cli
    .command("calibrate")
    .description("run the calibration scenarios and compare their throughput ratios with published Kafka benchmarks")
    .option("--seed <seed>", "the seed of the runs", "1")
    .option("--dir <dir>", "where the calibration scenarios are (default: scenarios/calibration of ksim)")
    .option("--only <id...>", `only these calibrations: ${CALIBRATIONS.map((c) => c.id).join(", ")}`)
    .option("--json", "print one JSON object")
    .action((options: CalibrateOptions) => setExit(calibrateCommand(options)));
}

/** Exit code 0 when every ratio is within its tolerance, 1 otherwise, 2 for bad input. */
export function calibrateCommand(options: CalibrateOptions): number {
  const report = calibrate(options);
  process.stdout.write(options.json ? JSON.stringify(report) + "\n" : formatCalibration(report));
  return report.ok ? 0 : 1;
}

export function calibrate(options: CalibrateOptions): CalibrationReport {
  const dir = options.dir ?? CALIBRATION_DIR;
  const chosen = chooseCalibrations(options.only);
  for (const c of chosen) for (const run of [c.numerator, c.denominator]) requireFile(dir, run);
  // A scenario used by two calibrations (no replication) runs once.
  const measured = new Map<string, ThroughputMeasure>();
  const measure = (run: CalibrationRun): ThroughputMeasure => {
    const key = `${run.file}@${run.warmupMicros}`;
    let m = measured.get(key);
    if (m === undefined) {
      m = measureFile(join(dir, run.file), options.seed, run);
      measured.set(key, m);
    }
    return m;
  };
  const results = chosen.map((c) => compare(c, measure(c.numerator), measure(c.denominator)));
  return { seed: options.seed, ok: results.every((r) => r.ok), results };
}

function compare(c: Calibration, numerator: ThroughputMeasure, denominator: ThroughputMeasure): CalibrationResult {
  const measured = denominator.recordsPerSec > 0 ? numerator.recordsPerSec / denominator.recordsPerSec : 0;
  const deviation = measured / c.published - 1;
  return {
    id: c.id,
    title: c.title,
    source: c.source,
    publishedDetail: c.publishedDetail,
    published: round(c.published, 3),
    measured: round(measured, 3),
    deviation: round(deviation, 3),
    tolerance: c.tolerance,
    ok: Math.abs(deviation) <= c.tolerance,
    numerator,
    denominator,
  };
}

function chooseCalibrations(only: readonly string[] | undefined): readonly Calibration[] {
  if (only === undefined || only.length === 0) return CALIBRATIONS;
  for (const id of only) {
    if (!CALIBRATIONS.some((c) => c.id === id)) throw new UsageError(`--only ${id}: no such calibration (${CALIBRATIONS.map((c) => c.id).join(", ")})`);
  }
  return CALIBRATIONS.filter((c) => only.includes(c.id));
}

function requireFile(dir: string, run: CalibrationRun): void {
  const path = join(dir, run.file);
  if (!existsSync(path)) throw new UsageError(`calibration scenario ${path} is missing (--dir ${dir})`);
}

function measureFile(path: string, seed: string, run: CalibrationRun): ThroughputMeasure {
  try {
    return measureThroughput(path, seed, run.warmupMicros);
  } catch (error) {
    if (error instanceof InvalidScenario) throw new UsageError(formatScenarioErrors(error.errors));
    throw error;
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
