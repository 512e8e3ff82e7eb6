/** Bad input or usage: the CLI prints the message (no stack trace) and exits with 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
