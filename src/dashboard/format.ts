import type { Translate } from "./i18n/i18n.ts";

/** "14:05 UTC, 21 Nov" style times: one zone for everyone, so a page reads the same in every office. */
export function utcTime(ms: number | null): string {
  if (ms === null) return "—";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function ago(ms: number, now: number, t: Translate): string {
  const minutes = Math.max(0, Math.round((now - ms) / 60_000));
  if (minutes < 90) return t("time.ago.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  return hours < 48 ? t("time.ago.hours", { n: hours }) : t("time.ago.days", { n: Math.round(hours / 24) });
}

export function percent(fraction: number | null, digits = 2): string {
  if (fraction === null || !Number.isFinite(fraction)) return "—";
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function signedPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return "—";
  const p = Math.round(fraction * 1000) / 10;
  return `${p > 0 ? "+" : ""}${p} %`;
}

export function millis(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** A readable p-value: 3 significant digits, or "< 1e-12" for the tiny ones. */
export function pValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "—";
  return p < 1e-12 ? "< 1e-12" : p < 0.001 ? p.toExponential(2) : p.toPrecision(3);
}

/** A relative change as people say it: "+41 %", or "×12.0" once it has more than doubled. */
export function changeText(fraction: number | null): string {
  if (fraction !== null && Number.isFinite(fraction) && fraction >= 1) return `×${(1 + fraction).toFixed(1)}`;
  return signedPercent(fraction);
}
