import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { barChart, scatterChart } from "../../src/report/index.ts";
import { ksim } from "./ksimProcess.ts";

const dir = mkdtempSync(join(tmpdir(), "ksim-compare-report-"));
/** leader-crash.yaml in short: a hiccup keeps the followers of orders/0 from fetching, then its leader crashes. */
const crash = join(dir, "short-leader-crash.yaml");
writeFileSync(
  crash,
  [
    "name: short-leader-crash",
    "duration: 10s",
    "settle: 15s",
    "cluster: { brokers: 3, ensemble: 1, config: { min.insync.replicas: 2, zookeeper.session.timeout.ms: 6000 } }",
    "topics: [{ name: orders, partitions: 1, replication.factor: 3 }]",
    "producers: [{ topic: orders, rate: 300, config: { acks: all } }]",
    "faults:",
    "  - { at: 3800ms, partition: [[followers(orders/0)], [rest]], for: 1s }",
    "  - { at: 4s, crash: leader(orders/0), for: 5s }",
    "",
  ].join("\n"),
);

const svgOf = (html: string, cls: string) => html.match(new RegExp(`<svg class="chart ${cls}"[\\s\\S]*?</svg>`))?.[0] ?? "";

describe("ksim compare --out: a comparison report", () => {
  const out = join(dir, "report");
  let run: ReturnType<typeof ksim>;
  let json: { rows: { settings: Record<string, string>; lostAcked: { total: number; seeds: number }; produceLatencyMs: { p99: { median: number } } }[] };
  beforeAll(() => {
    run = ksim("compare", crash, "--vary", "acks=1,all", "--seeds", "2", "--jobs", "2", "--out", out);
    json = JSON.parse(readFileSync(join(out, "compare.json"), "utf8"));
  });

  it("writes compare.json, report.md and report.html whole, and exits 0 as before", () => {
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["compare.json", "report.html", "report.md"]);
  });

  it("report.md has a table row per setting and says which settings lost acknowledged records", () => {
    const md = readFileSync(join(out, "report.md"), "utf8");
    const [one, all] = json.rows;
    expect(one!.lostAcked.total).toBeGreaterThan(0);
    expect(all!.lostAcked.total).toBe(0);
    expect(md).toMatch(/^\| 1 \| \d+ \| .* \| [1-9]\d* \(2\/2\) \| /m);
    expect(md).toMatch(/^\| all \| \d+ \| .* \| 0 \(0\/2\) \| /m);
    expect(md).toContain(`Lost acknowledged records: acks=1 (${one!.lostAcked.total} in 2 of 2 seeds).`);
  });

  it("report.html: the scenario and seeds, the latency-against-loss chart with one labelled point per setting, unavailable time per setting, the table; nothing fetched", () => {
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("Comparison: short-leader-crash");
    expect(html).toContain("seeds 1..2 for each setting");
    const scatter = svgOf(html, "scatter");
    const circles = [...scatter.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(circles).toHaveLength(2);
    expect(scatter).toContain(">acks=1</text>");
    expect(scatter).toContain(">acks=all</text>");
    expect(scatter).toContain("produce latency p99, ms (median over seeds)");
    expect(scatter).toContain("records lost (total over 2 seeds)");
    // acks=1 lost records (higher up) and answered sooner (further left) than acks=all.
    const [one, all] = circles;
    expect(one!.y).toBeLessThan(all!.y);
    expect(json.rows[0]!.produceLatencyMs.p99.median < json.rows[1]!.produceLatencyMs.p99.median).toBe(one!.x < all!.x);
    expect(svgOf(html, "bars").match(/<g class="bar">/g)).toHaveLength(2);
    expect(html).toMatch(/<tr><td>1<\/td><td>\d+<\/td>/);
    expect(html).toMatch(/<tr><td>all<\/td><td>\d+<\/td>/);
    expect(html).toContain('<p class="verdict fail">Lost acknowledged records: acks=1');
    expect(html).not.toMatch(/https?:|<script|<link|src=/);
  });
});

describe("report pieces for comparisons", () => {
  it("labels of points that coincide (two settings with the same outcome) go on separate lines", () => {
    const svg = scatterChart({ title: "t", xLabel: "x", yLabel: "y", points: [{ x: 5, y: 10, label: "acks=1 min.insync.replicas=1" }, { x: 5, y: 10, label: "acks=1 min.insync.replicas=2" }] });
    const ys = [...svg.matchAll(/<text class="legend" x="[\d.]+" y="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(2);
    expect(Math.abs(ys[0]! - ys[1]!)).toBeGreaterThanOrEqual(12);
  });

  it("a label near the right edge is written left of its point, so it stays inside the chart", () => {
    const svg = scatterChart({ title: "t", xLabel: "x", yLabel: "y", points: [{ x: 0, y: 0, label: "left" }, { x: 100, y: 1, label: "a long label at the right edge" }] });
    expect(svg).toMatch(/text-anchor="end">a long label at the right edge</);
    expect(svg).toMatch(/text-anchor="start">left</);
  });

  it("a bar chart has a bar per item, longer for more, a whisker for the spread, and whole ticks for counts", () => {
    const svg = barChart({ title: "t", unit: "seeds", whole: true, bars: [{ label: "lost-write", value: 1, bad: true }, { label: "liveness", value: 3, range: { min: 2, max: 4 } }] });
    const widths = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1]!).toBeCloseTo(widths[0]! * 3, 0);
    expect(svg).toContain('fill="#d62728"');
    const ticks = [...svg.matchAll(/<text class="tick" x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]+)</g)].map((m) => m[1]);
    expect(ticks.every((t) => Number.isInteger(Number(t)))).toBe(true);
    expect(svg.match(/<line class="axis"/g)!.length).toBe(1 + 3);
  });
});
