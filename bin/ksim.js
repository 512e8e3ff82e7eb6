#!/usr/bin/env node
// The `ksim` command. It runs the TypeScript sources compiled into one module (bin/compiled.js:
// built on first use and whenever a source changes, never committed), or through tsx's loader
// if no bundle can be built, so a fresh clone works right after `npm install` with no build step.
import { bundle } from "./compiled.js";

const compiled = await bundle();
let main;
if (compiled !== null) {
  // Stack traces (an internal error's report) name the TypeScript sources, as under tsx.
  process.setSourceMapsEnabled(true);
  ({ main } = await import(compiled));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv);
