/**
 * What reports are made of, for every command that writes one (run, compare, fuzz): the
 * report.json schema, the markdown and html writers and their pieces (tables, a page, charts).
 */
export { LatencyHistogram, type LatencySummaryMs } from "./LatencyHistogram.ts";
export { perfTestLine, BYTES_PER_MB } from "./perfTestLine.ts";
export { markdownTable, formatMs, thousands, reportMarkdown, verdictLine } from "./markdown.ts";
export { ReportSchema, REPORT_VERSION, type Report } from "./ReportSchema.ts";
export { reportHtml } from "./html/htmlReport.ts";
export { htmlPage, htmlTable } from "./html/page.ts";
export { scatterChart, type ScatterPoint, type ScatterOptions } from "./html/scatterChart.ts";
export { lineChart, type ChartSeries, type TimeMarkers } from "./html/charts.ts";
export { barChart, type Bar, type BarChartOptions } from "./html/barChart.ts";
export { TimeAxis, esc } from "./html/svg.ts";
