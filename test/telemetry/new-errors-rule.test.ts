import { describe, expect, it } from "vitest";
import { RuleSchema } from "../../src/rules/rule-schema.ts";
import { newErrorsOptions } from "../../src/verdicts/new-errors-signal.ts";

const rule = (signal: Record<string, unknown>) => RuleSchema.safeParse({ name: "r", signals: [{ name: "s", fail: { relative: 0 }, ...signal }] });

describe("the new_errors signal in a rule", () => {
  it("defaults to failing on its own after 3 events in kinds unseen for 7 days", () => {
    const parsed = rule({ kind: "new_errors" });
    expect(parsed.success).toBe(true);
    const s = parsed.data!.signals[0]!;
    expect(newErrorsOptions(s)).toEqual({ fail_on_own: true, lookback_days: 7, min_events: 3 });
    expect(newErrorsOptions({ ...s, fail_on_own: false, min_events: 5 })).toEqual({ fail_on_own: false, lookback_days: 7, min_events: 5 });
  });

  it("rejects its options on other kinds, and outside sources or queries on it", () => {
    expect(rule({ kind: "error_rate", min_events: 3 }).success).toBe(false);
    expect(rule({ kind: "new_errors", source: "elasticsearch" }).success).toBe(false);
    expect(rule({ kind: "new_errors", query: { index: "x" } }).success).toBe(false);
    expect(rule({ kind: "error_rate" }).data!.signals[0]).not.toHaveProperty("min_events", 3);
  });
});
