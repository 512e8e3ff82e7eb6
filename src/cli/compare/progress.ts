import cliProgress from "cli-progress";

/**
 * How a comparison shows it is alive, on stderr (stdout keeps the table): a bar with the
 * runs done and the time left on a terminal; one plain line per finished combination when
 * not (CI logs); nothing with --json.
 */
export interface CompareProgress {
  /** A run finished: `done` of all runs; `label` is the combination it belonged to. */
  runDone(done: number, label: string, combinationDone: boolean): void;
  stop(): void;
}

export function startCompareProgress(json: boolean, total: number, stream: NodeJS.WriteStream): CompareProgress {
  if (json) return { runDone: () => {}, stop: () => {} };
  const startedMs = Date.now();
  if (!stream.isTTY) {
    return {
      runDone: (done, label, combinationDone) => {
        if (combinationDone) stream.write(`compare: ${label} done (${done}/${total} runs, ${formatLeft(startedMs, done, total)} left)\n`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: "compare [{bar}] {value}/{total} runs | {label} | {left} left", hideCursor: true, clearOnComplete: true, fps: 4, barsize: 30 },
    cliProgress.Presets.legacy,
  );
  bar.start(total, 0, { label: "", left: "?" });
  return {
    runDone: (done, label) => bar.update(done, { label, left: formatLeft(startedMs, done, total) }),
    stop: () => bar.stop(),
  };
}

function formatLeft(startedMs: number, done: number, total: number): string {
  if (done === 0) return "?";
  const s = Math.round((((Date.now() - startedMs) / done) * (total - done)) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
