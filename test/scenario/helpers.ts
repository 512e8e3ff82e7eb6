import { expect } from "vitest";
import { parseScenario, type Scenario, type ScenarioError } from "../../src/scenario/index.ts";

/** Joins lines into a scenario file, so tests can say which line a problem is on. */
export function yaml(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

export function valid(text: string, file = "story.yaml"): Scenario {
  const result = parseScenario(text, file);
  if (!result.ok) expect.fail(`expected a valid scenario, got:\n${result.errors.map((e) => e.message).join("\n")}`);
  return result.scenario;
}

export function invalid(text: string, file = "story.yaml"): readonly ScenarioError[] {
  const result = parseScenario(text, file);
  if (result.ok) expect.fail("expected errors, the scenario was valid");
  return result.errors;
}

/** The one error of a file, checked to be at `line` and about `field`. */
export function theError(text: string, line: number, field: string): ScenarioError {
  const errors = invalid(text);
  expect(errors.map((e) => `${e.line} ${e.field}`)).toEqual([`${line} ${field}`]);
  return errors[0]!;
}
