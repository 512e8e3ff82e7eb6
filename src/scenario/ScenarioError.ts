import { didYouMean } from "../protocol/config/index.ts";

/**
 * One problem in a scenario file, where it is and what is wrong: the file, the 1-based
 * line and column of the offending YAML node, the field's path (`topics[0].config.retention.ms`,
 * empty for the file as a whole), a message a Kafka user understands, and for a misspelt
 * name the name probably meant. Its `message` is the formatted one-line form.
 */
export class ScenarioError extends Error {
  override name = "ScenarioError";

  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly field: string,
    /** What is wrong, without position or suggestion. */
    readonly problem: string,
    /** The key, topic, node or value the user probably meant. */
    readonly suggestion?: string,
  ) {
    super(formatLine(file, line, column, field, problem, suggestion));
  }
}

function formatLine(file: string, line: number, column: number, field: string, problem: string, suggestion?: string): string {
  const where = field === "" ? "" : `${field}: `;
  return `${file}:${line}:${column}: ${where}${problem}${didYouMean(suggestion)}`;
}

/** `file:line:col: field: message (did you mean "x"?)`, one line per error, in file order. */
export function formatScenarioErrors(errors: readonly ScenarioError[]): string {
  return sortErrors(errors)
    .map((e) => e.message)
    .join("\n");
}

/** Errors in the order of the file (line, then column), stable for errors at one place. */
export function sortErrors(errors: readonly ScenarioError[]): ScenarioError[] {
  const byFile = (a: ScenarioError, b: ScenarioError): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  return [...errors].sort((a, b) => byFile(a, b) || a.line - b.line || a.column - b.column);
}

/**
 * Thrown by `unwrapScenario` for code that prefers an exception; carries every error.
 * The message is the formatted list, so printing it is enough.
 */
export class InvalidScenario extends Error {
  override name = "InvalidScenario";

  constructor(readonly errors: readonly ScenarioError[]) {
    super(formatScenarioErrors(errors));
  }
}
