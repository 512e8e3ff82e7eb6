import { Worker } from "node:worker_threads";
import { runCompareTask, type CompareOutcome, type CompareTask } from "./runTask.ts";

const WORKER_FILE = new URL("./compareWorker.js", import.meta.url);

/**
 * Runs a comparison's tasks on `jobs` worker threads (in this thread with one job), handing
 * each free worker the next task. `onOutcome` sees outcomes as they arrive, in any order;
 * the result lists them by task index, so the table is the same whatever the job count.
 */
export async function runTasks(tasks: readonly CompareTask[], jobs: number, onOutcome: (o: CompareOutcome) => void): Promise<CompareOutcome[]> {
  const results: CompareOutcome[] = new Array(tasks.length);
  const take = (o: CompareOutcome): void => {
    results[o.index] = o;
    onOutcome(o);
  };
  if (jobs <= 1 || tasks.length <= 1) {
    for (const task of tasks) take(runCompareTask(task));
    return results;
  }
  await new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let pending = tasks.length;
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    const feed = (worker: Worker): void => {
      if (next < tasks.length) worker.postMessage(tasks[next++]);
    };
    for (let i = 0; i < Math.min(jobs, tasks.length); i++) {
      const worker = new Worker(WORKER_FILE);
      workers.push(worker);
      worker.on("message", (o: CompareOutcome) => {
        take(o);
        if (--pending === 0) finish();
        else feed(worker);
      });
      worker.on("error", (error) => finish(error));
      worker.on("exit", (code) => finish(new Error(`a compare worker thread stopped (exit code ${code})`)));
      feed(worker);
    }
  });
  return results;
}
