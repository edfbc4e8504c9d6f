/** Small helpers for the markdown report: quantiles, the Wilson interval of a share, formatting. */

export function quantile(xs: readonly number[], q: number): number | undefined {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const at = q * (s.length - 1), lo = Math.floor(at), hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/** Wilson score interval for a share p of n (Wilson 1927, JASA 22), two-sided at z (95 % by default). */
export function wilsonInterval(p: number, n: number, z = 1.959963984540054): { low: number; high: number } {
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

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
