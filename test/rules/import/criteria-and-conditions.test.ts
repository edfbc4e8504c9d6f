import { describe, expect, it } from "vitest";
import { parseCondition } from "../../../src/rules/import/argo-condition.ts";
import { parseCriterion, thresholdsFor } from "../../../src/rules/import/keptn-criteria.ts";

const thresholds = (pass: string[], warning?: string[]) => {
  const notes: string[] = [];
  return { t: thresholdsFor(pass, warning, (s) => notes.push(s)), notes };
};

describe("Keptn criteria, read as lighthouse reads them", () => {
  it.each([
    ["<=+10%", { dim: "rise_relative", value: 0.1 }],
    ["<= +10 %", { dim: "rise_relative", value: 0.1 }],
    ["<=1%", { dim: "rise_relative", value: 0.01 }],
    [">=-80%", { dim: "drop_relative", value: 0.8 }],
    ["<+50", { dim: "rise_absolute", value: 50 }],
    [">-5", { dim: "drop_absolute", value: 5 }],
    ["<600", { dim: "upper", value: 600 }],
    [">=0.95", { dim: "lower", value: 0.95 }],
  ])("%s", (text, expected) => expect(parseCriterion(text)).toEqual(expected));

  it.each([["=0"], ["<=-10%"], [">=+5%"], ["about 5"], ["<"]])("%s cannot be carried, and says why", (text) => {
    expect(typeof parseCriterion(text)).toBe("string");
  });

  it("fails beyond the looser of pass and warning, and warns beyond the pass bound", () => {
    expect(thresholds(["<=+10%"], ["<=+25%"]).t).toEqual({ direction: "increase", fail: { relative: 0.25, absolute: 0 }, warn: { relative: 0.1, absolute: 0 } });
    expect(thresholds(["<=+10%"]).t).toEqual({ direction: "increase", fail: { relative: 0.1, absolute: 0 } });
    // A dimension only the warning criteria bound fails; one only the pass criteria bound merely warns.
    expect(thresholds(["<=+10%", "<600"], ["<=800"]).t).toEqual({ direction: "increase", fail: { relative: 1000, absolute: 0 }, warn: { relative: 0.1, absolute: 0 }, limit: 800 });
  });

  it("bounds both ways with direction either, and leaves out what one signal cannot hold", () => {
    const both = thresholds(["<=+10%", ">=-20%"]);
    expect(both.t).toEqual({ direction: "either", fail: { relative: 0.2, absolute: 0 } });
    expect(both.notes).toEqual(["rises and drops have different bounds; the larger is used both ways"]);
    const range = thresholds(["<100", ">10"]);
    expect(range.t).toEqual({ direction: "increase", fail: { relative: 1000, absolute: 0 }, limit: 100 });
    expect(range.notes[0]).toContain("failing on a value below 10 is left out");
    expect(thresholds(["=5"]).t).toBeUndefined();
  });
});

describe("Argo conditions", () => {
  it.each([
    ["result[0] >= 0.95", [{ op: ">=", value: 0.95 }], false],
    ["result >= 0.95", [{ op: ">=", value: 0.95 }], false],
    ["0.95 <= result[0]", [{ op: ">=", value: 0.95 }], false],
    ["all(result, # < 1000)", [{ op: "<", value: 1000 }], false],
    ["isNaN(result[0]) || result[0] >= 0.9", [{ op: ">=", value: 0.9 }], true],
    ["len(result) == 0 || (result[0] < 5)", [{ op: "<", value: 5 }], true],
    ["result[0] >= 0.9 && result[0] <= 1", [{ op: ">=", value: 0.9 }, { op: "<=", value: 1 }], false],
  ])("%s", (text, comparisons, trueWhenMissing) => expect(parseCondition(text)).toEqual({ comparisons, trueWhenMissing }));

  it.each([["result == 'true'"], ["result[0] > 1 || result[0] < 0"], ["asInt(result) in [1, 2]"]])("%s cannot be carried", (text) => {
    expect(parseCondition(text)).toHaveProperty("error");
  });
});
