/**
 * report.html in a real browser: Debian's chromium (the `chromium` package; .ci/run installs
 * it) driven by playwright-core, never a browser downloaded by a tool. The page must show its
 * charts and timeline, fetch nothing, and log no error. The screenshot is left in
 * reports/browser-test/ (not committed) for people to look at.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/cli/report/writeReport.ts";
import { reportedRun } from "./fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const OUT_DIR = resolve("reports", "browser-test");

// On a developer's machine without chromium the test says so and skips; in CI (.ci/run installs it) it must run.
const canRun = existsSync(CHROMIUM) || process.env.CI !== undefined;

describe.skipIf(!canRun)("report.html in headless Chromium", () => {
  let context: BrowserContext;
  let userDataDir: string;
  const problems: string[] = [];
  const fetched: string[] = [];

  beforeAll(async () => {
    const { report } = reportedRun();
    writeReport(OUT_DIR, report);
    userDataDir = mkdtempSync(join(tmpdir(), "ksim-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1200, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it("shows the charts with their lines and the faults marked, and the timeline with a lane per broker, partition and group; nothing fetched, no console error", async () => {
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) fetched.push(r.url());
    });
    await page.goto(pathToFileURL(join(OUT_DIR, "report.html")).href, { waitUntil: "load" });

    await expect(page.title()).resolves.toMatch(/^PASS report-story \(seed 1\)/);
    const charts = page.locator("svg.chart");
    // Throughput, produce latency, end-to-end latency, lag, cluster health.
    await expect(charts.count()).resolves.toBe(5);
    for (let i = 0; i < 5; i++) {
      const chart = charts.nth(i);
      expect((await chart.boundingBox())!.width).toBeGreaterThan(600);
      await expect(chart.locator("polyline").count()).resolves.toBeGreaterThan(0);
      await expect(chart.locator("g.fault").count()).resolves.toBe(1);
    }
    const timeline = page.locator("svg.timeline");
    expect((await timeline.boundingBox())!.height).toBeGreaterThan(150);
    const lanes = await timeline.locator("text.lane-name").allTextContents();
    expect(lanes).toEqual(expect.arrayContaining(["broker-1", "broker-2", "broker-3", "zk-1", "controller", "ensemble leader", "t-0", "t-1", "g"]));
    // The crashed broker's lane is red where it was down, and the partition's leader changed.
    await expect(timeline.locator("g.state-down").count()).resolves.toBe(1);
    await expect(timeline.locator("g.short-isr").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("pre.perf").textContent()).resolves.toMatch(/records sent, .* ms 99\.9th\.$/);

    const screenshot = join(OUT_DIR, "report.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    expect(fetched).toEqual([]);
    expect(problems).toEqual([]);
  });
});
