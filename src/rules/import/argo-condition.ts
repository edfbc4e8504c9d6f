/** A comparison of the measurement with a number, as Argo's expr conditions write it: `result[0] >= 0.95`. */
export interface Comparison {
  op: "<" | "<=" | ">" | ">=";
  value: number;
}

/** `trueWhenMissing`: the condition holds for a missing or NaN value through a guard such as `isNaN(result[0]) ||`. */
export interface Condition {
  comparisons: Comparison[];
  trueWhenMissing: boolean;
}

export type ParsedCondition = Condition | { error: string };

const SUBJECT = String.raw`(?:result(?:\[0\])?|asFloat\(\s*result(?:\[0\])?\s*\)|float\(\s*result(?:\[0\])?\s*\)|#)`;
const NUMBER = String.raw`(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|-?\.\d+)`;
const FORWARD = new RegExp(String.raw`^${SUBJECT}\s*(<=|>=|<|>|==|!=)\s*${NUMBER}$`);
const BACKWARD = new RegExp(String.raw`^${NUMBER}\s*(<=|>=|<|>|==|!=)\s*${SUBJECT}$`);
/** Guards that make a missing or NaN measurement succeed: `isNaN(result[0]) || …`, `len(result) == 0 || …`. */
const MISSING_GUARD = /^(isNaN\(\s*result(\[0\])?\s*\)|len\(\s*result\s*\)\s*==\s*0|isNil\(\s*result\s*\)|result\s*==\s*nil)$/;
const FLIP = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;

const unwrap = (text: string): string => {
  const t = text.trim();
  return /^\((?:[^()]|\([^()]*\))*\)$/.test(t) ? unwrap(t.slice(1, -1)) : t;
};

function comparison(text: string): Comparison | string {
  const t = unwrap(text);
  const forward = FORWARD.exec(t), backward = forward ? null : BACKWARD.exec(t);
  if (!forward && !backward) return `"${t}" is not a comparison of the result with a number`;
  const op = forward ? forward[1]! : backward![2]!, value = Number(forward ? forward[2] : backward![1]);
  if (op === "==" || op === "!=") return `"${t}" asks for an exact value, which a rule cannot express`;
  return { op: forward ? (op as Comparison["op"]) : FLIP[op as Comparison["op"]], value };
}

/**
 * Reads the conditions this importer can carry: comparisons of `result[0]` (or `result`, or every value through
 * `all(result, # < 1000)`) with numbers, joined by `&&`, optionally after a guard that lets a missing value succeed.
 */
export function parseCondition(expression: string): ParsedCondition {
  let text = unwrap(expression);
  const all = /^all\(\s*result\s*,\s*\{?\s*(.*?)\s*\}?\s*\)$/.exec(text);
  if (all) text = all[1]!;
  const alternatives = text.split("||").map((s) => unwrap(s));
  const guards = alternatives.filter((a) => MISSING_GUARD.test(a));
  const rest = alternatives.filter((a) => !MISSING_GUARD.test(a));
  if (rest.length !== 1) return { error: `"${expression}" joins several conditions with ||, which a rule cannot express` };
  const comparisons: Comparison[] = [];
  for (const part of rest[0]!.split("&&")) {
    const c = comparison(part);
    if (typeof c === "string") return { error: c };
    comparisons.push(c);
  }
  return { comparisons, trueWhenMissing: guards.length > 0 };
}

/** The value side a comparison rules out, as a rule's direction: failing above a number is "increase". */
export const failsAbove = (c: Comparison, onFailure: boolean): boolean => (c.op.startsWith(">") ? onFailure : !onFailure);
