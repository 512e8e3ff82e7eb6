/**
 * The comparison's and the fuzz campaign's report.html in a real browser, as
 * report-html.browser.test.ts does for a run: Debian's chromium driven by playwright-core,
 * never a downloaded browser. Each page must show its charts, fetch nothing and log no error;
 * screenshots are left in reports/browser-test/ (not committed) for people to look at.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const OUT_DIR = resolve("reports", "browser-test");
const KSIM = join(import.meta.dirname, "..", "..", "bin", "ksim.js");
const canRun = existsSync(CHROMIUM) || process.env.CI !== undefined;

/** A short leader crash with acks=1 (compare also tries acks=all): every seed loses acknowledged records; each draws linger.ms. */
const SCENARIO = [
  "name: browser-crash",
  "duration: 6s",
  "settle: 15s",
  "cluster: { brokers: 3, ensemble: 1, config: { zookeeper.session.timeout.ms: 6000 } }",
  "topics: [{ name: orders, partitions: 1, replication.factor: 3 }]",
  "producers: [{ topic: orders, rate: 300, config: { acks: 1, linger.ms: [0, 2] } }]",
  "faults:",
  "  - { at: 2800ms, partition: [[followers(orders/0)], [rest]], for: 1s }",
  "  - { at: 3s, crash: leader(orders/0), for: 2s }",
  "",
].join("\n");

function ksim(...args: string[]): number {
  return spawnSync(process.execPath, [KSIM, ...args], { encoding: "utf8" }).status ?? -1;
}

describe.skipIf(!canRun)("compare and fuzz reports in headless Chromium", () => {
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), "ksim-chromium-"));
    const file = join(userDataDir, "browser-crash.yaml");
    writeFileSync(file, SCENARIO);
    expect(ksim("compare", file, "--vary", "acks=1,all", "--seeds", "2", "--jobs", "2", "--out", join(OUT_DIR, "compare"))).toBe(0);
    expect(ksim("fuzz", file, "--seeds", "4", "--jobs", "2", "--out", join(OUT_DIR, "fuzz"))).toBe(1);
    context = await chromium.launchPersistentContext(join(userDataDir, "profile"), { executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1200, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Opens a page, gathering what it fetched and any error it logged. */
  async function open(path: string): Promise<{ page: Page; fetched: string[]; problems: string[] }> {
    const page = await context.newPage();
    const fetched: string[] = [];
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) fetched.push(r.url());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    return { page, fetched, problems };
  }

  it("the comparison shows a point per setting on latency against records lost, a bar per setting, and the table", async () => {
    const { page, fetched, problems } = await open(join(OUT_DIR, "compare", "report.html"));
    const scatter = page.locator("svg.scatter");
    expect((await scatter.boundingBox())!.width).toBeGreaterThan(600);
    await expect(scatter.locator("circle").count()).resolves.toBe(2);
    await expect(scatter.locator("text.legend").allTextContents()).resolves.toEqual(["acks=1", "acks=all"]);
    await expect(page.locator("svg.bars g.bar").count()).resolves.toBe(2);
    await expect(page.locator("table").first().locator("tbody tr").count()).resolves.toBe(2);
    const screenshot = join(OUT_DIR, "compare.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    expect(fetched).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("the fuzz summary shows a square per seed, a bar per invariant, and each failure's replay command", async () => {
    const { page, fetched, problems } = await open(join(OUT_DIR, "fuzz", "browser-crash-fuzz.html"));
    const seeds = page.locator("svg.seeds");
    expect((await seeds.boundingBox())!.width).toBeGreaterThan(600);
    await expect(seeds.locator("rect").count()).resolves.toBe(4);
    await expect(page.locator("svg.bars g.bar").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("pre.perf").textContent()).resolves.toMatch(/^ksim replay \S+ --seed 1\n/);
    const screenshot = join(OUT_DIR, "fuzz.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    expect(fetched).toEqual([]);
    expect(problems).toEqual([]);
  });
});
