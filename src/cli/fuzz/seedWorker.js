// A fuzz worker thread. It loads ksim as bin/ksim.js does: the compiled bundle when one is fresh
// (the parent has just checked or built it), else the TypeScript sources through tsx's loader,
// which a worker thread needs registered for itself.
import { freshBundle } from "../../../bin/compiled.js";

const bundle = freshBundle();
if (bundle !== null) {
  const { serveSeeds } = await import(bundle);
  serveSeeds();
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { serveSeeds } = await import("./seedWorkerMain.ts");
  serveSeeds();
}
