import type { CoefficientChange, FitComparison } from "./release-comparison.ts";

export interface CostRiseSettings {
  /** The rise in cost per unit that matters, as a fraction (0.2 = +20 %). */
  maxCostRise: number;
  onRise: "warn" | "fail";
  confidence: number;
  resource: string;
}

export interface CostRiseJudgement {
  status: "pass" | "warn" | "fail";
  /** The volumes whose cost rose significantly beyond the limit, worst first. */
  risen: CoefficientChange[];
  /** The volume with the largest relative change, risen or not. */
  largest: CoefficientChange | null;
  reason: string;
}

const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x * 100))} %`;
const span = (lo: number, hi: number) => `${Math.round(lo * 100)}–${Math.round(hi * 100)} %`;
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));

export function describeChange(c: CoefficientChange, resource: string, confidence: number): string {
  const ci = c.relative_ci_low !== null ? `, ${Math.round(confidence * 100)} % CI ${span(c.relative_ci_low, c.relative_ci_high!)}` : "";
  const rel = c.relative !== null ? `${pct(c.relative)}${ci} ` : "";
  return `${resource} per ${c.name} ${rel}(${num(c.before)} → ${num(c.after)})`;
}

/**
 * A volume's cost per unit "rose" when the one-sided test of a rise is significant at the rule's confidence,
 * Bonferroni-split across the volumes, and the estimated rise exceeds the rule's limit.
 */
export function judgeCostRise(cmp: FitComparison, s: CostRiseSettings): CostRiseJudgement {
  const volumes = cmp.changes.slice(1);
  const alpha = (1 - s.confidence) / Math.max(1, volumes.length);
  const risen = volumes
    .filter((c) => c.relative !== null && c.p_value < alpha && c.relative > s.maxCostRise)
    .sort((a, b) => b.relative! - a.relative!);
  const largest = volumes.filter((c) => c.relative !== null).sort((a, b) => Math.abs(b.relative!) - Math.abs(a.relative!))[0] ?? null;
  const chow = cmp.chow.p_value < 1 - s.confidence ? `the relationship as a whole changed (Chow F = ${cmp.chow.f.toFixed(1)}, p = ${cmp.chow.p_value.toExponential(1)})` : `the relationship as a whole did not change significantly (Chow p = ${cmp.chow.p_value.toFixed(3)})`;
  if (risen.length > 0) {
    const list = risen.map((c) => describeChange(c, s.resource, s.confidence)).join("; ");
    return { status: s.onRise, risen, largest, reason: `Cost per unit rose beyond the rule's limit of ${pct(s.maxCostRise)}: ${list}; ${chow}.` };
  }
  const detail = largest ? `; largest change ${describeChange(largest, s.resource, s.confidence)}` : "";
  return { status: "pass", risen, largest, reason: `No cost per unit rose significantly beyond ${pct(s.maxCostRise)}${detail}; ${chow}.` };
}
