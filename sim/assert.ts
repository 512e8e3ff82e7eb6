/**
 * Assertions that stay on in every build. A broken model must stop the run (the CLI
 * prints the seed to replay with), never drift into a wrong report.
 */
export class AssertionError extends Error {
  override name = "AssertionError";
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionError(typeof message === "string" ? message : message());
  }
}

/** Marks a branch that a correct program never reaches (exhaustive switches). */
export function unreachable(value: never, what: string): never {
  throw new AssertionError(`unreachable ${what}: ${JSON.stringify(value)}`);
}
