import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { readReport } from "../../src/cli/report/reportCommand.ts";
import { writeReport } from "../../src/cli/report/writeReport.ts";
import { runScenario } from "../../src/cli/runScenario.ts";
import { UsageError } from "../../src/cli/UsageError.ts";
import { ReportSchema, type Report } from "../../src/report/ReportSchema.ts";
import { CRASH_STORY, reportedRun, scenario, type ReportedRun } from "./fixture.ts";

let run: ReportedRun;
let report: Report;
beforeAll(() => {
  run = reportedRun();
  report = run.report;
});

describe("report.json: a run's report in a versioned schema", () => {
  it("matches its schema once written as JSON, with one value per bucket in every series", () => {
    const parsed = ReportSchema.parse(JSON.parse(JSON.stringify(report)));
    expect(parsed).toMatchObject({ kind: "ksim-report", version: 1, seed: "1", fingerprint: run.summary.fingerprint, verdict: { ok: true, basis: "no violation" } });
    // A run of about 11 s gets buckets finer than 1 s.
    expect(parsed.series.bucketMs).toBeLessThan(1000);
    expect(parsed.series.startMs.length).toBe(Math.ceil(parsed.run.endMs / parsed.series.bucketMs));
    expect(parsed.series.lag.g).toHaveLength(parsed.series.startMs.length);
  });

  it("collecting a report leaves the run's fingerprint as it was", () => {
    expect(runScenario(scenario(CRASH_STORY), "1").fingerprint).toBe(run.summary.fingerprint);
  });

  it("the same seed gives the same report, byte for byte", () => {
    expect(JSON.stringify(reportedRun().report)).toBe(JSON.stringify(report));
  });

  it("the timeline tells the story: the leader's broker is down from 2 s to 7 s, a follower takes t-0 over with a short ISR, the ISR is whole again at the end", () => {
    const down = report.timeline.nodes.flatMap((n) => n.spans.filter((s) => s.state === "down").map((s) => ({ node: n.node, ...s })));
    expect(down).toEqual([{ node: "broker-3", fromMs: 2000, toMs: 7000, state: "down", detail: "process crash" }]);
    const t0 = report.timeline.partitions.find((p) => p.topic === "t" && p.partition === 0)!;
    expect(t0.spans[0]).toMatchObject({ fromMs: 0, leader: 3, isr: [3, 2, 1] });
    const takeover = t0.spans.find((s) => s.leader !== 3)!;
    expect(takeover.fromMs).toBeGreaterThan(2000);
    expect(takeover.isr).not.toContain(3);
    expect(takeover.epoch).toBeGreaterThan(0);
    expect(t0.spans.at(-1)!.isr).toHaveLength(3);
    expect(t0.spans.at(-1)!.toMs).toBe(report.run.endMs);
    expect(report.timeline.faults).toEqual([{ atMs: 2000, untilMs: 7000, text: "crash leader(t/0) at 2s for 5s" }]);
    expect(report.timeline.groups[0]!.spans.at(-1)).toMatchObject({ state: "stable", members: 2 });
    expect(report.timeline.ensembleLeader[0]).toMatchObject({ fromMs: 0, leader: "zk-1" });
  });

  it("the series add up to the totals, and show the under-replicated partitions while the broker is down", () => {
    const s = report.series;
    const total = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
    expect(total(s.sent)).toBe(report.metrics.sent);
    expect(total(s.acked)).toBe(report.metrics.acked);
    expect(report.metrics.acked).toBe(run.summary.acked);
    const at = (ms: number) => s.startMs.findIndex((start) => start <= ms && ms < start + s.bucketMs);
    expect(s.underReplicated[at(1000)]).toBe(0);
    expect(s.underReplicated[at(6000)]).toBeGreaterThan(0);
    expect(s.minIsrSize[at(6000)]).toBe(2);
    expect(s.lag.g!.some((v) => v !== null && v > 0)).toBe(true);
  });

  it("a report written to a directory reads back the same, and a file that is not a report is refused naming the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "ksim-report-"));
    try {
      writeReport(dir, report);
      expect(readReport(join(dir, "report.json"))).toEqual(JSON.parse(JSON.stringify(report)));
      const broken = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
      broken.series.bucketMs = "one second";
      writeFileSync(join(dir, "broken.json"), JSON.stringify(broken));
      expect(() => readReport(join(dir, "broken.json"))).toThrow(UsageError);
      expect(() => readReport(join(dir, "broken.json"))).toThrow(/series\.bucketMs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ksim report DIR rebuilds report.md and report.html from report.json; a broken one exits 2 and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ksim-report-"));
    try {
      writeReport(dir, report);
      rmSync(join(dir, "report.md"));
      rmSync(join(dir, "report.html"));
      expect(await main(["node", "ksim", "report", dir])).toBe(0);
      expect(readFileSync(join(dir, "report.md"), "utf8")).toContain(report.metrics.perfTest);
      expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<svg");
      writeFileSync(join(dir, "report.json"), JSON.stringify({ kind: "ksim-report", version: 1 }));
      rmSync(join(dir, "report.md"));
      expect(await main(["node", "ksim", "report", dir])).toBe(2);
      expect(existsSync(join(dir, "report.md"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
