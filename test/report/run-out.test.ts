import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const KSIM = join(import.meta.dirname, "..", "..", "bin", "ksim.js");
const dir = mkdtempSync(join(tmpdir(), "ksim-run-out-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ksim(...args: string[]) {
  const r = spawnSync(process.execPath, [KSIM, ...args], { encoding: "utf8", cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tiny = (name: string) => `name: ${name}\nduration: 2s\nsettle: 5s\ncluster: { brokers: 1, ensemble: 1 }\ntopics: [{ name: t, replication.factor: 1 }]\nproducers: [{ topic: t, rate: 50 }]\n`;

describe("ksim run --out", () => {
  it("one scenario: the three files go into DIR; the run's fingerprint is the one --json prints without a report", () => {
    mkdirSync(join(dir, "s"));
    writeFileSync(join(dir, "s", "a.yaml"), tiny("a"));
    const r = ksim("run", "s/a.yaml", "--out", "one");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`report    ${join("one", "report.html")}`);
    expect(readdirSync(join(dir, "one")).sort()).toEqual(["report.html", "report.json", "report.md"]);
    const plain = JSON.parse(ksim("run", "s/a.yaml", "--json").stdout);
    const withReport = JSON.parse(ksim("run", "s/a.yaml", "--json", "--out", "again").stdout);
    expect(withReport.fingerprint).toBe(plain.fingerprint);
  });

  it("several scenarios, or no DIR: each run gets reports/<scenario>-<seed>/; without --out nothing is written", () => {
    writeFileSync(join(dir, "s", "b.yaml"), tiny("b"));
    expect(ksim("run", "s", "--seed", "3", "--out").status).toBe(0);
    expect(readdirSync(join(dir, "reports")).sort()).toEqual(["a-3", "b-3"]);
    expect(existsSync(join(dir, "reports", "b-3", "report.html"))).toBe(true);
    rmSync(join(dir, "reports"), { recursive: true });
    expect(ksim("run", "s/a.yaml").status).toBe(0);
    expect(existsSync(join(dir, "reports"))).toBe(false);
  });

  it("a DIR that cannot be made is bad input: exit 2 before anything runs", () => {
    writeFileSync(join(dir, "taken"), "a file");
    const r = ksim("run", "s/a.yaml", "--out", "taken");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^ksim: --out taken: cannot write reports there/);
    expect(r.stdout).toBe("");
  });
});
