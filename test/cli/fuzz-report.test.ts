import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ksim } from "./ksimProcess.ts";

const dir = mkdtempSync(join(tmpdir(), "ksim-fuzz-report-"));
/**
 * leader-crash-acks1 made short: every seed loses acknowledged records (acks=1, followers
 * cut off, then the leader crashes); each seed draws linger.ms and a few clogged links.
 */
const scenario = join(dir, "drawn.yaml");
writeFileSync(
  scenario,
  [
    "name: acks1-crash-drawn",
    "duration: 6s",
    "settle: 10s",
    "cluster: { brokers: 3 }",
    "topics: [{ name: orders, partitions: 1, replication.factor: 3 }]",
    "producers: [{ topic: orders, rate: 500, config: { acks: 1, linger.ms: [0, 2] } }]",
    "faults:",
    "  - { at: 2800ms, partition: [[followers(orders/0)], [rest]], for: 1s }",
    "  - { at: 3s, crash: leader(orders/0), for: 2s }",
    "swarm:",
    "  between: 4s..5s",
    "  clog: { links: [[broker-1, broker-2]], delay: 5ms..10ms }",
    "",
  ].join("\n"),
);
const calm = join(dir, "calm.yaml");
writeFileSync(calm, "name: calm\nduration: 2s\nsettle: 4s\ntopics: [{ name: orders }]\nproducers: [{ topic: orders, rate: 50, config: { acks: all } }]\n");

const STEM = "acks1-crash-drawn-fuzz";
const read = (...path: string[]) => readFileSync(join(...path), "utf8");
const svgOf = (html: string, cls: string) => html.match(new RegExp(`<svg class="chart ${cls}"[\\s\\S]*?</svg>`))?.[0] ?? "";

describe("ksim fuzz --out: a summary of the campaign beside its JSON", () => {
  const whole = join(dir, "whole");
  let run: ReturnType<typeof ksim>;
  beforeAll(() => {
    run = ksim("fuzz", scenario, "--seeds", "4", "--jobs", "2", "--recheck", "50%", "--out", whole);
  });

  it("writes the JSON, the markdown and the html whole (nothing left half-written) and still exits 1 for the failed seeds", () => {
    expect(run.status, run.stderr).toBe(1);
    expect(readdirSync(whole).sort()).toEqual([`${STEM}.html`, `${STEM}.json`, `${STEM}.md`]);
  });

  it("report.md says the verdict, the seeds, failures by invariant, what each failing seed drew, and how to replay each", () => {
    const md = read(whole, `${STEM}.md`);
    const result = JSON.parse(read(whole, `${STEM}.json`));
    expect(md).toContain("**FAIL: 4 seeds, 4 failed (liveness 4, lost-write 4)**");
    expect(md).toContain("4 seeds from seed 1 (1..4)");
    expect(md).toContain("| lost-write | 4 | 100% |");
    expect(md).toContain("Determinism: 2 seeds run twice; every one ended with the same fingerprint.");
    for (const f of result.failures) {
      expect(md).toContain(`| ${f.seed} | ${f.invariants.map((i: string) => `${i} ${f.counts[i]}`).join(", ")} | \`ksim replay ${scenario} --seed ${f.seed}\` |`);
      // The drawn table: seed, linger.ms, then the clogged links the swarm drew.
      expect(md).toContain(`| ${f.seed} | ${f.drawn.settings["producers[0].config.linger.ms"]} | ${f.drawn.faults.join("; ")} |`);
    }
    expect(md).toContain("| seed | linger.ms (producers[0]) | swarm faults |");
    expect(md).toMatch(/```sh\nksim replay \S+ --seed 1\n(ksim replay \S+ --seed \d\n){3}```/);
  });

  it("report.html is one offline page: a square per seed, a bar per invariant, the failures and their replay commands", () => {
    const html = read(whole, `${STEM}.html`);
    expect(html).toContain("<title>FAIL ksim fuzz acks1-crash-drawn</title>");
    const seeds = svgOf(html, "seeds");
    expect(seeds.match(/<rect class="seed failed"/g)).toHaveLength(4);
    for (const seed of ["1", "2", "3", "4"]) expect(seeds).toContain(`<title>seed ${seed} failed: liveness, lost-write</title>`);
    const bars = svgOf(html, "bars");
    expect(bars.match(/<g class="bar">/g)).toHaveLength(2);
    expect(bars).toContain("<title>lost-write: 4 of 4 seeds</title>");
    expect(html).toContain(`<td>ksim replay ${scenario} --seed 3</td>`);
    expect(html).toContain("<th>linger.ms (producers[0])</th>");
    expect(html).not.toMatch(/https?:|<script|<link|src=/);
  });

  it("a campaign that holds says so, with a green square per seed", () => {
    const out = join(dir, "calm");
    expect(ksim("fuzz", calm, "--seeds", "2", "--jobs", "1", "--out", out).status).toBe(0);
    expect(read(out, "calm-fuzz.md")).toContain("**PASS: 2 seeds, 0 failed**");
    expect(read(out, "calm-fuzz.md")).toContain("No seed failed.");
    const html = read(out, "calm-fuzz.html");
    expect(html).toContain('<p class="verdict pass">PASS: 2 seeds, 0 failed</p>');
    expect(svgOf(html, "seeds").match(/<rect class="seed"/g)).toHaveLength(2);
  });

  it("shards written into one directory keep their own summaries; --merge reads only the JSON there and writes the summary of the campaign run whole", () => {
    const shards = join(dir, "shards");
    for (const shard of ["1/2", "2/2"]) ksim("fuzz", scenario, "--seeds", "4", "--jobs", "1", "--recheck", "50%", "--shard", shard, "--out", shards);
    expect(readdirSync(shards).sort()).toEqual(["1-of-2", "2-of-2"].flatMap((s) => ["html", "json", "md"].map((ext) => `${STEM}-shard-${s}.${ext}`)));
    expect(read(shards, `${STEM}-shard-2-of-2.md`)).toContain("# ksim fuzz: acks1-crash-drawn (shard 2/2)");
    expect(read(shards, `${STEM}-shard-2-of-2.md`)).toContain("2 seeds from seed 1 (2, 4); shard 2/2 of the campaign.");

    const merged = join(dir, "merged");
    const m = ksim("fuzz", "--merge", shards, "--out", merged);
    expect(m.status, m.stderr).toBe(1);
    for (const ext of ["json", "md", "html"]) expect(read(merged, `${STEM}.${ext}`)).toBe(read(whole, `${STEM}.${ext}`));
  });
});
