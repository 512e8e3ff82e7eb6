import { barChart, esc, formatMs, htmlPage, htmlTable, scatterChart } from "../../report/index.ts";
import type { CompareRow } from "./CompareRow.ts";
import { compareColumns, intro, LEGEND, lossLine, settingLabel, type CompareHeading } from "./formatTable.ts";

/** Rows of the per-seed table at most (a large matrix keeps its page readable; compare.json has them all). */
const MAX_SEED_ROWS = 300;

/**
 * The comparison's report.html: one self-contained page (inline CSS and SVG, no script,
 * nothing fetched) in the look of a run's report. Which settings lost records comes first,
 * then what each costs and loses as a picture (produce p99 latency against records lost,
 * one point per setting; unavailable time per setting), then the table and each seed.
 */
export function compareHtml(h: CompareHeading, rows: readonly CompareRow[]): string {
  const lost = rows.some((r) => r.lostAcked.total > 0);
  const table = compareColumns(h, rows);
  const body = [
    `<header>`,
    `<h1>Comparison: ${esc(h.scenario)} <span class="seed">${esc(seedsText(h))} for each setting</span></h1>`,
    `<p class="verdict ${lost ? "fail" : "pass"}">${esc(lossLine(h, rows))}</p>`,
    `<p class="meta">${esc(h.file)} · varied: ${esc(h.keys.join(", "))} · ${rows.length} combination${rows.length === 1 ? "" : "s"} × ${h.seeds.length} seed${h.seeds.length === 1 ? "" : "s"}; every combination ran the same seeds</p>`,
    `</header>`,
    `<section><h2>What each setting costs and loses</h2>`,
    latencyAgainstLoss(h, rows),
    `<p class="note">One point per setting: x is the produce acknowledgement latency p99, the median over the seeds${logX(rows) ? " (log scale)" : ""}; y is the acknowledged records missing from the final committed logs, the total over the ${h.seeds.length} seed${h.seeds.length === 1 ? "" : "s"}. Lower left is better.</p>`,
    unavailability(h, rows),
    `<p class="note">Partition-seconds of the load producers could not write (no leader, or too few replicas in sync for acks=all): the median over the seeds, the whisker from the lowest to the highest.</p>`,
    `</section>`,
    `<section><h2>The table</h2>`,
    htmlTable(table.header, table.cells),
    `<p class="note">${LEGEND.split("\n").map(esc).join(" ")}</p>`,
    `</section>`,
    seedTable(h, rows),
  ].join("\n");
  return htmlPage(`${lost ? "LOSS" : "no loss"} · ksim compare ${h.scenario}`, body, `ksim compare · ${intro(h)} · times are simulated`);
}

function seedsText(h: CompareHeading): string {
  return h.seeds.length === 1 ? `seed ${h.seeds[0]}` : `seeds ${h.seeds[0]}..${h.seeds.at(-1)}`;
}

/** Latencies spanning more than a factor of ten go on a log axis, so that the fast settings do not collapse onto 0. */
function logX(rows: readonly CompareRow[]): boolean {
  const p99 = rows.map((r) => r.produceLatencyMs.p99.median).filter((v) => v > 0);
  return p99.length > 1 && Math.max(...p99) / Math.min(...p99) > 10;
}

function latencyAgainstLoss(h: CompareHeading, rows: readonly CompareRow[]): string {
  return scatterChart({
    title: "Produce latency p99 against acknowledged records lost, per setting",
    xLabel: "produce latency p99, ms (median over seeds)",
    yLabel: `records lost (total over ${h.seeds.length} seeds)`,
    logX: logX(rows),
    points: rows.map((r) => {
      const p99 = r.produceLatencyMs.p99;
      return {
        x: p99.median,
        y: r.lostAcked.total,
        label: settingLabel(h, r),
        title: `${settingLabel(h, r)}: produce p99 ${formatMs(p99.median)} (${formatMs(p99.min)} to ${formatMs(p99.max)}), ${r.lostAcked.total} records lost in ${r.lostAcked.seeds} of ${r.runs} seeds`,
      };
    }),
  });
}

function unavailability(h: CompareHeading, rows: readonly CompareRow[]): string {
  return barChart({
    title: "Time producers could not write, per setting",
    unit: "partition-seconds (median over seeds)",
    bars: rows.map((r) => {
      const u = r.unavailableMs;
      return {
        label: settingLabel(h, r),
        value: u.median / 1000,
        range: { min: u.min / 1000, max: u.max / 1000 },
        title: `${settingLabel(h, r)}: ${formatMs(u.median)} (${formatMs(u.min)} to ${formatMs(u.max)}); longest window ${formatMs(r.longestUnavailableMs.max)}`,
      };
    }),
  });
}

/** Each seed of each setting, to find the seed that lost (`ksim run FILE --seed S` with the setting in the file replays it). */
function seedTable(h: CompareHeading, rows: readonly CompareRow[]): string {
  const cells = rows.flatMap((r) =>
    r.seeds.map((s) => [settingLabel(h, r), s.seed, s.ok ? "holds" : "fails", Math.round(s.throughput * 10) / 10, s.lostAcked, s.duplicated, Math.round(s.unavailableMs) / 1000, s.fingerprint]),
  );
  const shown = cells.slice(0, MAX_SEED_ROWS);
  const more = cells.length > shown.length ? `<p class="note">(and ${cells.length - shown.length} more in compare.json)</p>` : "";
  return `<section><h2>Each seed</h2>${htmlTable(["setting", "seed", "verdict", "acked/s", "lost", "duplicated", "unavailable s", "fingerprint"], shown)}${more}</section>`;
}
