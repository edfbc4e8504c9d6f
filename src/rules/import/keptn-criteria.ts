import { OUT_OF_REACH, tidy, type FloorDraft } from "./imported-rule.ts";

/** What one Keptn criterion bounds: a rise or drop against the baseline (a fraction or an amount), or the value itself. */
type Dim = "rise_relative" | "rise_absolute" | "drop_relative" | "drop_absolute" | "upper" | "lower";
type Bounds = Partial<Record<Dim, number>>;

export interface Thresholds {
  direction: "increase" | "decrease" | "either";
  fail: FloorDraft;
  warn?: FloorDraft;
  limit?: number;
}

/** The stricter of two bounds on one dimension: the lower ceiling, the smaller allowed drop, the higher floor. */
const stricter = (d: Dim, a: number, b: number) => (d === "lower" ? Math.max(a, b) : Math.min(a, b));
const looser = (d: Dim, a: number, b: number) => (stricter(d, a, b) === a ? b : a);

function show(d: Dim, v: number): string {
  if (d === "upper") return `a value above ${v}`;
  if (d === "lower") return `a value below ${v}`;
  const amount = d.endsWith("relative") ? `${tidy(v * 100)} %` : `${v}`;
  return `a ${d.startsWith("rise") ? "rise" : "drop"} of more than ${amount}`;
}

/**
 * One criterion as Keptn's lighthouse reads it (parseCriteriaString): a `%` is always against the baseline (a rise
 * unless signed `-`), a sign alone makes an absolute change, anything else is a fixed threshold. A string says why not.
 */
export function parseCriterion(text: string): { dim: Dim; value: number } | string {
  const m = /^(<=|>=|<|>|=)([+-]?)(\d+(?:\.\d*)?|\.\d+)(%?)$/.exec(text.replaceAll(" ", ""));
  if (!m) return `criterion "${text}" is not one Keptn reads`;
  const [, op, sign, number, percent] = m as unknown as [string, string, string, string, string];
  if (op === "=") return `criterion "${text}" asks for an exact value, which a rule cannot express`;
  const below = op.startsWith("<"), value = Number(number);
  if (percent === "" && sign === "") return { dim: below ? "upper" : "lower", value };
  const rise = sign !== "-", unit = percent === "%" ? "relative" : "absolute";
  if (rise !== below) return `criterion "${text}" asks for a ${rise ? "rise" : "drop"} of at least that much, which a rule cannot express`;
  return { dim: `${rise ? "rise" : "drop"}_${unit}`, value: unit === "relative" ? tidy(value / 100) : value };
}

function boundsOf(criteria: readonly string[], note: (s: string) => void): Bounds {
  const bounds: Bounds = {};
  for (const text of criteria) {
    const c = parseCriterion(String(text));
    if (typeof c === "string") note(`${c}: left out`);
    else bounds[c.dim] = bounds[c.dim] === undefined ? c.value : stricter(c.dim, bounds[c.dim]!, c.value);
  }
  return bounds;
}

/** The floor of one direction from rise (or drop) bounds; Keptn fails on either amount, a floor needs both: keep one. */
function floorOf(b: Bounds, side: "rise" | "drop", note: (s: string) => void): FloorDraft | undefined {
  const relative = b[`${side}_relative`], absolute = b[`${side}_absolute`];
  if (relative !== undefined && absolute !== undefined) note(`${show(`${side}_absolute`, absolute)} is left out: a rule's floor needs both the relative and the absolute change exceeded, Keptn either; the relative one is kept`);
  if (relative !== undefined) return { relative, absolute: 0 };
  return absolute !== undefined ? { relative: 0, absolute } : undefined;
}

function floorFor(b: Bounds, direction: Thresholds["direction"], note: (s: string) => void): FloorDraft | undefined {
  if (direction !== "either") return floorOf(b, direction === "increase" ? "rise" : "drop", note);
  const rise = floorOf(b, "rise", note), drop = floorOf(b, "drop", note);
  if (!rise || !drop) return rise ?? drop;
  if (rise.relative !== drop.relative || rise.absolute !== drop.absolute) note("rises and drops have different bounds; the larger is used both ways");
  return { relative: Math.max(rise.relative, drop.relative), absolute: Math.max(rise.absolute ?? 0, drop.absolute ?? 0) };
}

/**
 * Keptn fails an objective when its pass criteria and its warning criteria both fail, and warns when only the pass
 * ones do. Per dimension that is: fail beyond the looser of the two bounds, warn beyond the pass bound. A dimension
 * only the pass criteria bound warns and never fails on its own; one only the warning criteria bound fails.
 */
export function thresholdsFor(pass: readonly string[], warning: readonly string[] | undefined, note: (s: string) => void): Thresholds | undefined {
  const p = boundsOf(pass, note);
  const w = warning && warning.length > 0 ? boundsOf(warning, note) : undefined;
  const failAt: Bounds = {}, warnAt: Bounds = {};
  for (const d of new Set([...Object.keys(p), ...Object.keys(w ?? {})] as Dim[])) {
    const pd = p[d], wd = w?.[d];
    if (!w) failAt[d] = pd;
    else if (pd !== undefined && wd !== undefined) {
      failAt[d] = looser(d, pd, wd);
      if (failAt[d] === pd && wd !== pd) note(`the warning criterion (${show(d, wd)}) is stricter than the pass one, so Keptn never applies it either`);
    } else if (wd !== undefined) failAt[d] = wd;
    if (pd !== undefined && failAt[d] !== pd) warnAt[d] = pd;
  }
  const has = (b: Bounds, side: "rise" | "drop") => b[`${side}_relative`] !== undefined || b[`${side}_absolute`] !== undefined;
  const rising = has(failAt, "rise") || has(warnAt, "rise"), dropping = has(failAt, "drop") || has(warnAt, "drop");
  const direction = rising && dropping ? "either" : rising ? "increase" : dropping ? "decrease" : failAt.upper === undefined && failAt.lower !== undefined ? "decrease" : "increase";

  const limitDim: Dim = direction === "decrease" ? "lower" : "upper";
  const other: Dim = limitDim === "upper" ? "lower" : "upper";
  if (failAt[other] !== undefined) note(`failing on ${show(other, failAt[other])} is left out: a rule's limit works in the signal's one direction (${direction})`);
  let limit = failAt[limitDim];
  if (limit !== undefined && limit < 0) {
    note(`failing on ${show(limitDim, limit)} is left out: a limit cannot be negative`);
    limit = undefined;
  }
  for (const d of ["upper", "lower"] as const) if (warnAt[d] !== undefined) note(`Keptn warns on ${show(d, warnAt[d])}; a rule has no absolute warning level, so that warning is not carried`);

  const fail = floorFor(failAt, direction, note);
  let warn = floorFor(warnAt, direction, () => {});
  if (warn && fail && warn.relative > fail.relative) {
    note("its warning is left out: it is a relative change while its failure is an absolute one, which a rule cannot order");
    warn = undefined;
  }
  if (!fail && limit === undefined && !warn) return undefined;
  if (!fail && limit === undefined) note("it only ever warns in Keptn; it is imported with its warning floor and a fail floor out of reach");
  return { direction, fail: fail ?? OUT_OF_REACH, ...(warn ? { warn } : {}), ...(limit !== undefined ? { limit } : {}) };
}
