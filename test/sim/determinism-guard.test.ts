/**
 * The determinism rule (DESIGN.md, "Determinism rules"): in sim/ and src/ nothing reads
 * the real world. src/cli/ is exempt: it may time its own progress with the wall clock.
 * Comments are stripped before matching, so documentation may name what it forbids.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const SCANNED = ["sim", "src"];
const EXEMPT = ["src/cli/"];

const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  { what: "Math.random", pattern: /\bMath\s*\.\s*random\b/ },
  { what: "new Date", pattern: /\bnew\s+Date\b/ },
  { what: "Date.now", pattern: /\bDate\s*\.\s*now\b/ },
  { what: "Date()", pattern: /(?<!\bnew\s+)(?<![.\w])Date\s*\(/ },
  { what: "performance.now", pattern: /\bperformance\s*\.\s*now\b/ },
  { what: "setTimeout", pattern: /\bsetTimeout\b/ },
  { what: "setInterval", pattern: /\bsetInterval\b/ },
  { what: "setImmediate", pattern: /\bsetImmediate\b/ },
  { what: "process.hrtime", pattern: /\bprocess\s*\.\s*hrtime\b/ },
  { what: "crypto randomBytes", pattern: /\brandomBytes\b/ },
  { what: "crypto randomUUID", pattern: /\brandomUUID\b/ },
  { what: "crypto getRandomValues", pattern: /\bgetRandomValues\b/ },
  { what: "crypto randomFill", pattern: /\brandomFill(Sync)?\b/ },
  { what: "crypto randomInt", pattern: /\bcrypto\s*\.\s*randomInt\b/ },
];

/**
 * Blanks out comments, keeping every newline so line numbers stay right. Strings and
 * template literals are kept (a forbidden call built in a string is still suspect) but
 * skipped over, so `"http://..."` does not open a comment. Regular-expression literals
 * are not recognised; a `//` inside one would hide the rest of its line.
 */
function stripComments(source: string): string {
  let out = "";
  let i = 0;
  const n = source.length;
  const blank = (s: string): string => s.replace(/[^\n]/g, " ");
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < n && source[j] !== c) {
        if (source[j] === "\\") j++;
        else if (c !== "`" && source[j] === "\n") break; // unterminated: stop at the line's end
        j++;
      }
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

interface Violation {
  file: string;
  line: number;
  what: string;
  text: string;
}

function findViolations(file: string, source: string): Violation[] {
  const violations: Violation[] = [];
  const original = source.split("\n");
  stripComments(source)
    .split("\n")
    .forEach((line, index) => {
      for (const { what, pattern } of FORBIDDEN) {
        if (pattern.test(line)) violations.push({ file, line: index + 1, what, text: original[index]!.trim() });
      }
    });
  return violations;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

describe("determinism guard: nothing in sim/ or src/ reads the real world", () => {
  it("no file uses the wall clock, real timers or unseeded randomness (src/cli/ aside)", () => {
    const files = SCANNED.flatMap((dir) => tsFiles(join(repoRoot, dir)))
      .map((path) => relative(repoRoot, path).split("\\").join("/"))
      .filter((file) => !EXEMPT.some((prefix) => file.startsWith(prefix)));
    expect(files).toContain("sim/Simulation.ts"); // the scan found the kernel
    const violations = files.flatMap((file) => findViolations(file, readFileSync(join(repoRoot, file), "utf8")));
    const report = violations.map((v) => `${v.file}:${v.line}: ${v.what} in \`${v.text}\``).join("\n");
    expect(report, `determinism rule broken (DESIGN.md, "Determinism rules"):\n${report}`).toBe("");
  });

  it("the scanner finds forbidden calls in code, naming the line", () => {
    const source = [
      "const a = 1;",
      "const r = Math.random();",
      "const t = Date.now() + performance.now();",
      "setTimeout(() => {}, 5); const d = new Date();",
      "const id = crypto.randomUUID(); process.hrtime.bigint();",
      "const s = Date();",
    ].join("\n");
    const found = findViolations("x.ts", source).map((v) => `${v.line}:${v.what}`);
    expect(found).toEqual([
      "2:Math.random",
      "3:Date.now",
      "3:performance.now",
      "4:new Date",
      "4:setTimeout",
      "5:process.hrtime",
      "5:crypto randomUUID",
      "6:Date()",
    ]);
  });

  it("the scanner ignores comments, even ones that open inside code lines, but not strings that look like comments", () => {
    const source = [
      "/** Never call Math.random or Date.now here;",
      " *  setTimeout is forbidden too. */",
      "const x = 1; // not setInterval either",
      'const url = "http://example.com"; const r = Math.random();',
      "const y = 2; /* new Date */ const z = 3;",
    ].join("\n");
    const found = findViolations("x.ts", source).map((v) => `${v.line}:${v.what}`);
    expect(found).toEqual(["4:Math.random"]);
  });

  it("the kernel's own timer API (setTimer) is not mistaken for setTimeout", () => {
    expect(findViolations("x.ts", 'ctx.setTimer(5, "tick", () => {}); sim.now; seeded.nextDate(1);')).toEqual([]);
  });
});
