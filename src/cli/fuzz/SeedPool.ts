import { Worker } from "node:worker_threads";
import { replayCommand } from "./FuzzResult.ts";
import { runSeed, type SeedOutcome, type SeedTask } from "./runSeed.ts";

const WORKER_FILE = new URL("./seedWorker.js", import.meta.url);

/**
 * Runs seeds on `jobs` worker threads. Tasks come from `next()` when a worker is free, so
 * a campaign bounded by wall time stops handing out seeds when its time is up; `onOutcome`
 * sees each outcome as it arrives (in any order) and may queue more work with `push`
 * (the determinism re-check of a seed). Resolves when every task handed out has come back.
 * One job runs on this thread instead (runHere).
 */
export class SeedPool {
  private readonly urgent: SeedTask[] = [];

  constructor(private readonly jobs: number) {}

  /** Work that goes ahead of what `next()` would hand out. */
  push(task: SeedTask): void {
    this.urgent.push(task);
  }

  run(next: () => SeedTask | null, onOutcome: (outcome: SeedOutcome) => void): Promise<void> {
    return this.jobs === 1 ? this.runHere(next, onOutcome) : this.runOnWorkers(next, onOutcome);
  }

  /**
   * One job on this thread: a worker thread would load all of ksim a second time and warm up
   * its JIT again (about 0.1 s and a slow first seed) for no parallelism. The event loop
   * turns between seeds, so progress is drawn and the --time deadline seen as with workers.
   */
  private async runHere(next: () => SeedTask | null, onOutcome: (outcome: SeedOutcome) => void): Promise<void> {
    for (;;) {
      const task = this.urgent.shift() ?? next();
      if (task === null) return;
      await new Promise((turn) => setImmediate(turn));
      onOutcome(runSeed(task));
    }
  }

  private runOnWorkers(next: () => SeedTask | null, onOutcome: (outcome: SeedOutcome) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const workers: Worker[] = [];
      /** What each worker is running, to name the seed if the thread itself fails. */
      const running = new Map<Worker, SeedTask>();
      let busy = 0;
      let failed = false;
      let stopping = false;
      const stopAll = (): void => {
        stopping = true;
        for (const w of workers) void w.terminate();
      };
      const feed = (worker: Worker): boolean => {
        const task = this.urgent.shift() ?? next();
        if (task === null) return false;
        busy++;
        running.set(worker, task);
        worker.postMessage(task);
        return true;
      };
      const finishIfIdle = (): void => {
        if (busy > 0 || failed) return;
        // Work queued by the last outcome still needs a free worker.
        for (const w of workers) if (this.urgent.length > 0) feed(w);
        if (busy === 0) {
          stopAll();
          resolve();
        }
      };
      for (let i = 0; i < this.jobs; i++) {
        const worker = new Worker(WORKER_FILE);
        workers.push(worker);
        worker.on("message", (outcome: SeedOutcome) => {
          busy--;
          running.delete(worker);
          try {
            onOutcome(outcome);
          } catch (error) {
            failed = true;
            stopAll();
            reject(error);
            return;
          }
          if (!feed(worker)) finishIfIdle();
        });
        const fail = (why: string): void => {
          if (failed || stopping) return;
          failed = true;
          stopAll();
          const task = running.get(worker);
          const which = task === undefined ? "" : ` while running seed ${task.seed}\nreplay with: ${replayCommand(task.file, task.seed)}`;
          reject(new Error(`a fuzz worker thread failed${which}\n${why}`));
        };
        worker.on("error", (error) => fail(error.stack ?? error.message));
        worker.on("exit", (code) => fail(`it stopped with exit code ${code}`));
      }
      let started = 0;
      for (const w of workers) if (feed(w)) started++;
      if (started === 0) finishIfIdle();
    });
  }
}
