// ksim's TypeScript sources compiled into one ES module, kept in node_modules/.cache/ksim/ (never
// committed) and rebuilt by esbuild whenever a source it was built from changes.
//
// Why: tsx compiles and loads each of the ~260 source files through Node's module hooks, which
// run on a thread of their own and answer each file by message: about 0.9 s of CPU before the
// first line of ksim runs, and again in every fuzz worker thread. One bundled module (sources
// and packages) loads in about 0.1 s. A fresh clone needs no build step: the first run builds the bundle
// (a fraction of a second) and every run checks it against its sources' sizes and times.
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// One bundle per checkout (node_modules may be shared by a link): it names its sources by their place.
const BUNDLE = fileURLToPath(new URL(`../node_modules/.cache/ksim/ksim-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}.mjs`, import.meta.url));
/** The bundle's first line: this marker, then the JSON of its inputs (path from ROOT -> [size, mtimeMs]). */
const MARKER = "// ksim-inputs ";
/** What the bundle exports: `main` (bin/ksim.js) and `serveSeeds` (a fuzz worker). */
const ENTRY = 'export { main } from "./src/cli/main.ts";\nexport { serveSeeds } from "./src/cli/fuzz/seedWorkerMain.ts";\n';
/** Settings the bundle's code depends on beyond its sources: a change rebuilds it. */
const SETTINGS = ["package.json", "package-lock.json", "tsconfig.json", "bin/compiled.js"];

/** The URL of a bundle built from the sources as they are now, or null if there is none. */
export function freshBundle() {
  const head = firstLine(BUNDLE);
  if (head === null || !head.startsWith(MARKER)) return null;
  let inputs;
  try {
    inputs = JSON.parse(head.slice(MARKER.length));
  } catch {
    return null;
  }
  for (const [path, [size, mtimeMs]] of Object.entries(inputs)) {
    let stat;
    try {
      stat = statSync(ROOT + path);
    } catch {
      return null;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return null;
  }
  return pathToFileURL(BUNDLE).href;
}

/** A file's first line (the bundle's manifest), read without the megabytes after it; null if unreadable. */
function firstLine(path) {
  let fd;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const chunks = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) return null;
      const end = buffer.subarray(0, n).indexOf(10);
      chunks.push(Buffer.from(buffer.subarray(0, end < 0 ? n : end)));
      if (end >= 0) return Buffer.concat(chunks).toString("utf8");
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The URL of a fresh bundle, built now if the sources changed since the last one; null if it
 * cannot be built (esbuild missing, a read-only checkout), and the caller runs the sources
 * through tsx as before.
 */
export async function bundle() {
  const fresh = freshBundle();
  if (fresh !== null) return fresh;
  try {
    return await build();
  } catch {
    return null;
  }
}

async function build() {
  const esbuild = await import("esbuild");
  // Stat every input before reading it: a source edited during the build leaves a stale time in
  // the manifest, so the next run rebuilds rather than trusting a bundle of the older text.
  const before = new Map();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: "ksim-entry.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    // The packages too: resolving and loading their files one by one (yaml, hdr-histogram-js,
    // commander, ...) took half the remaining start-up. Their CommonJS code requires Node's own
    // modules, which an ES module can only do through a require of its own.
    packages: "bundle",
    banner: { js: 'import { createRequire as ksimCreateRequire } from "node:module"; const require = ksimCreateRequire(import.meta.url);' },
    tsconfig: ROOT + "tsconfig.json",
    sourcemap: "inline",
    sourceRoot: pathToFileURL(ROOT).href,
    sourcesContent: false,
    write: false,
    logLevel: "silent",
    plugins: [sourcesAt(before)],
  });
  const inputs = {};
  for (const path of SETTINGS) before.set(path, statSync(ROOT + path));
  for (const [path, stat] of [...before].sort(([a], [b]) => (a < b ? -1 : 1))) inputs[path] = [stat.size, stat.mtimeMs];
  const text = MARKER + JSON.stringify(inputs) + "\n" + result.outputFiles[0].text;
  // Written whole under a name of its own, then renamed: processes building at once never
  // load half a bundle, and the last rename wins.
  mkdirSync(dirname(BUNDLE), { recursive: true });
  const partial = `${BUNDLE}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, BUNDLE);
  return pathToFileURL(BUNDLE).href;
}

/**
 * Loads each source as esbuild would, but with `import.meta.url` the source file's URL rather
 * than the bundle's, so paths relative to a source (package.json, worker files, the
 * calibration scenarios) resolve as they do under tsx.
 */
function sourcesAt(before) {
  return {
    name: "ksim-sources",
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        const path = relative(ROOT, args.path);
        if (path.startsWith("node_modules") || path.startsWith("..")) return undefined; // a package: changes with package-lock.json
        before.set(path.split("\\").join("/"), statSync(args.path));
        const source = readFileSync(args.path, "utf8");
        const contents = source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
        return { contents, loader: args.path.endsWith(".ts") ? "ts" : "js" };
      });
    },
  };
}
