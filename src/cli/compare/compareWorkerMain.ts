import { parentPort } from "node:worker_threads";
import { runCompareTask, type CompareTask } from "./runTask.ts";

/** The body of a compare worker: runs each task it is sent and posts back the outcome. */
if (parentPort === null) throw new Error("compareWorkerMain runs in a worker thread");
const port = parentPort;
port.on("message", (task: CompareTask) => {
  port.postMessage(runCompareTask(task));
});
