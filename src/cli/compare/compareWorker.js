// A compare worker thread. The sources are TypeScript run through tsx's loader (as bin/ksim.js
// does), and a worker thread needs the loader registered for itself.
import { register } from "tsx/esm/api";

register();
await import("./compareWorkerMain.ts");
