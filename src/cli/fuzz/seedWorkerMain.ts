import { parentPort, type MessagePort } from "node:worker_threads";
import { runSeed, type SeedTask } from "./runSeed.ts";

/** The body of a fuzz worker: runs each seed it is sent and posts back its outcome. */
export function serveSeeds(port: MessagePort | null = parentPort): void {
  if (port === null) throw new Error("a fuzz worker serves seeds in a worker thread");
  port.on("message", (task: SeedTask) => {
    port.postMessage(runSeed(task));
  });
}
