/** Small formatting helpers for the markdown report. */

export function quantile(xs: readonly number[], q: number): number | undefined {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const at = q * (s.length - 1), lo = Math.floor(at), hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

export const pct = (k: number, n: number) => (n === 0 ? "–" : (100 * k / n).toFixed(1));

export const fixed = (x: number | undefined, digits = 2) => (x === undefined ? "–" : x.toFixed(digits));

/** A ratio as a change: ×1.97 for rates, +22 % style is left to callers. */
export const times = (x: number | undefined) => (x === undefined ? "–" : `×${x.toFixed(2)}`);

export const signedPct = (x: number | undefined) => (x === undefined ? "–" : `${x >= 1 ? "+" : "−"}${Math.abs(100 * (x - 1)).toFixed(0)}%`);

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export const verdict = (ok: boolean) => (ok ? "PASS" : "**FAIL**");
