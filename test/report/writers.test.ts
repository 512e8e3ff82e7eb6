import { describe, expect, it } from "vitest";
import { htmlPage, htmlTable, markdownTable, scatterChart } from "../../src/report/index.ts";

describe("report pieces the other commands reuse (compare, fuzz)", () => {
  it("a markdown table escapes pipes and line breaks and right-aligns columns of numbers", () => {
    expect(markdownTable(["setting", "lost"], [["acks=1 | mir=1", 12], ["acks=all\nmir=2", 0]])).toBe(
      ["| setting | lost |", "|---|---:|", "| acks=1 \\| mir=1 | 12 |", "| acks=all mir=2 | 0 |"].join("\n"),
    );
  });

  it("a scatter chart has one labelled point per setting, placed by its values; text is escaped", () => {
    const svg = scatterChart({
      title: "p99 latency against records lost",
      xLabel: "produce p99 (ms)",
      yLabel: "acknowledged records lost",
      logX: true,
      points: [
        { x: 2, y: 0, label: "acks=all" },
        { x: 0.8, y: 120, label: "acks=1 <fast>" },
      ],
    });
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain("acks=1 &lt;fast&gt;");
    const cy = [...svg.matchAll(/cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    // More lost is higher up (a smaller y on screen).
    expect(cy[1]!).toBeLessThan(cy[0]!);
  });

  it("a page is self-contained: inline style, no script, no link to fetch", () => {
    const page = htmlPage("fuzz <summary>", htmlTable(["seed", "verdict"], [[1, "PASS"]]));
    expect(page).toContain("<title>fuzz &lt;summary&gt;</title>");
    expect(page).toContain('<td class="num">1</td>');
    expect(page).not.toMatch(/<script|<link|src=|https?:/);
  });
});
