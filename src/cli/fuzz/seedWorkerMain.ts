import { parentPort } from "node:worker_threads";
import { runSeed, type SeedTask } from "./runSeed.ts";

/** The body of a fuzz worker: runs each seed it is sent and posts back its outcome. */
if (parentPort === null) throw new Error("seedWorkerMain runs in a worker thread");
const port = parentPort;
port.on("message", (task: SeedTask) => {
  port.postMessage(runSeed(task));
});
