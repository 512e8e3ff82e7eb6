import { describe, expect, it } from "vitest";
import { DurationError, formatDuration, millis, parseDuration, seconds } from "../../sim/index.ts";

describe("time: duration strings", () => {
  it.each([
    ["250us", 250],
    ["0us", 0],
    ["5ms", 5_000],
    ["1.5s", 1_500_000],
    ["30s", 30_000_000],
    ["2m", 120_000_000],
    ["1h", 3_600_000_000],
    ["0.5ms", 500],
    ["1.25m", 75_000_000],
  ])("accepts %s as %i microseconds", (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([
    ["1.005ms", 1_005],
    ["4.35ms", 4_350],
    ["0.29s", 290_000],
    ["2.000001s", 2_000_001],
    ["0.000001s", 1],
  ])("parses the decimal %s exactly, with no floating-point rounding", (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([
    "30",
    "-5ms",
    "5 sec",
    "5sec",
    "1.0000001ms",
    "0.5us",
    "1e3ms",
    "ms",
    "",
    ".5s",
    "5.ms",
    "5MS",
    "1d",
    "+5ms",
    "99999999999999999h",
  ])("rejects %j with a DurationError that says what is accepted", (text) => {
    let error: unknown;
    try {
      parseDuration(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DurationError);
    const message = (error as Error).message;
    expect(message).toContain(JSON.stringify(text));
    expect(message).toContain("us, ms, s, m, h");
    expect(message).toMatch(/for example 250us/);
  });

  it("formats microseconds with the largest readable unit", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(250)).toBe("250us");
    expect(formatDuration(5_000)).toBe("5ms");
    expect(formatDuration(1_500_000)).toBe("1.5s");
    expect(formatDuration(1_250)).toBe("1.25ms");
  });

  it("formats what it parses back to the same microseconds for whole units", () => {
    for (const text of ["250us", "5ms", "1.5s", "30s", "12.5ms"]) {
      expect(parseDuration(formatDuration(parseDuration(text)))).toBe(parseDuration(text));
    }
  });

  it("millis and seconds give integer microseconds", () => {
    expect(millis(1.5)).toBe(1_500);
    expect(seconds(0.25)).toBe(250_000);
    expect(Number.isInteger(millis(0.0015))).toBe(true);
  });
});
