/** The report page's style: plain, readable on screen and in print (no colour needed to read the numbers). */
export const REPORT_CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h1 .seed { font-size: 16px; color: #666; font-weight: normal; }
h2 { font-size: 19px; margin: 26px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.verdict { font-size: 17px; font-weight: 600; padding: 6px 10px; border-radius: 4px; display: inline-block; margin: 6px 0; }
.verdict.pass { background: #e3f4e3; color: #1d5e1d; border: 1px solid #8fc98f; }
.verdict.fail { background: #fbe4e4; color: #8e1b1b; border: 1px solid #e09a9a; }
.description { max-width: 80ch; line-height: 1.45; }
.meta, .note, footer { color: #555; font-size: 13px; }
code { font-size: 12.5px; background: #f4f4f4; padding: 1px 4px; border-radius: 3px; }
pre.perf { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 8px 10px; white-space: pre-wrap; font-size: 13px; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.kpi { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 130px; }
.kpi .v { font-size: 19px; font-weight: 600; }
.kpi .k { font-size: 12px; color: #666; }
.kpi.bad { border-color: #e09a9a; background: #fdf3f3; }
.kpi.bad .v { color: #b01c1c; }
ol.faults { padding-left: 0; list-style: none; font-size: 14px; }
ol.faults li { margin: 3px 0; }
.fault-no { display: inline-block; min-width: 18px; text-align: center; background: #7f3fbf; color: #fff; border-radius: 9px; font-size: 12px; padding: 0 4px; margin-right: 4px; }
svg { width: 100%; height: auto; display: block; margin: 6px 0 14px; }
svg text { font-family: inherit; }
.chart-title { font-size: 13px; font-weight: 600; fill: #333; }
.legend, .tick, .unit { font-size: 11px; fill: #555; }
.grid { stroke: #ececec; stroke-width: 1; }
.axis { stroke: #999; }
.series { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
.fault line { stroke: #7f3fbf; stroke-width: 1.4; stroke-dasharray: 4 3; }
.fault text { font-size: 11px; fill: #7f3fbf; font-weight: 700; }
.fault-band { fill: #7f3fbf; opacity: 0.07; }
.healed line { stroke: #2a7f2a; stroke-width: 1.4; stroke-dasharray: 2 3; }
.healed text { font-size: 11px; fill: #2a7f2a; }
.violation { fill: #d62728; stroke: #fff; stroke-width: 0.8; }
.section { font-size: 12.5px; font-weight: 600; fill: #333; }
.lane-name { font-size: 11.5px; fill: #333; }
.lane-bg { fill: #fafafa; stroke: #e4e4e4; }
.seg-label { font-size: 10px; fill: #111; pointer-events: none; }
.state-down .seg-label { fill: #fff; }
.short-isr rect { opacity: 0.5; }
.unclean rect { stroke: #d62728; stroke-width: 2; }
.mark rect { opacity: 0.9; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 10px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td { white-space: nowrap; }
td:last-child { white-space: normal; }
th { background: #f4f4f4; }
footer { margin-top: 30px; border-top: 1px solid #eee; padding-top: 8px; }
@media print {
  main { max-width: none; padding: 0; }
  svg, table, .kpis, header { break-inside: avoid; }
  h2 { break-after: avoid; }
  .kpi.bad, .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
