import type { Field, Reader } from "./Reader.ts";
import { EXPECT_METRICS, type Comparison, type Expectation, type Expectations, type ExpectMetric } from "./types.ts";

/**
 * `expect:` maps a count the run reports to a condition: `0` (or `==0`), `>0`, `>=N`,
 * `>N`, `<N`, `<=N`. Conditions starting with `>` must be quoted in YAML (`">0"`): bare,
 * `>` starts a folded block. Without `expect:`, a run must lose no acknowledged record.
 */
export const DEFAULT_EXPECTATIONS: Expectations = Object.freeze({
  stated: false,
  conditions: Object.freeze([Object.freeze({ metric: "lost-acked", op: "==", value: 0, text: "0", source: null })]),
}) as Expectations;

const CONDITION = /^\s*(==|=|>=|<=|>|<)?\s*(\d+)\s*$/;
const FORMS = `a count (0) or a comparison in quotes (">0", ">=10", "<5")`;

export function readExpectations(r: Reader, field: Field): Expectations {
  if (field.node === null) return DEFAULT_EXPECTATIONS;
  const entries = r.mapping(field, `a mapping of counts to conditions, like {lost-acked: ">0"}`);
  if (entries === undefined) return DEFAULT_EXPECTATIONS;
  r.knownKeys(entries, EXPECT_METRICS, "expect");
  const conditions: Expectation[] = [];
  for (const [metric, entry] of entries) {
    if (!(EXPECT_METRICS as readonly string[]).includes(metric)) continue;
    const condition = readCondition(r, entry, metric as ExpectMetric);
    if (condition !== undefined) conditions.push(condition);
  }
  if (entries.size === 0) return DEFAULT_EXPECTATIONS;
  return { stated: true, conditions };
}

function readCondition(r: Reader, field: Field, metric: ExpectMetric): Expectation | undefined {
  const raw = r.value(field);
  const source = r.sourceOf(field);
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) return { metric, op: "==", value: raw, text: String(raw), source };
  if (typeof raw !== "string") return r.fail(field, `expected ${FORMS}, got ${r.describe(field)}`);
  if (raw.trim() === "") {
    // What YAML makes of an unquoted `>0` or `>5`: an empty folded block.
    return r.fail(field, `expected ${FORMS}, got an empty value; a condition starting with > must be quoted in YAML, like ">0"`);
  }
  const match = CONDITION.exec(raw);
  if (match === null) return r.fail(field, `expected ${FORMS}, got ${JSON.stringify(raw)}`);
  const op: Comparison = match[1] === undefined || match[1] === "=" ? "==" : (match[1] as Comparison);
  return { metric, op, value: Number(match[2]), text: raw.trim(), source };
}
