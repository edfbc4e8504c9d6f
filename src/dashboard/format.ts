import type { Lang, Translate } from "./i18n/i18n.ts";

/** "14:05 UTC, 21 Nov" style times: one zone for everyone, so a page reads the same in every office. */
export function utcTime(ms: number | null): string {
  if (ms === null) return "—";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const LOCALE: Record<Lang, string> = { en: "en-GB", "zh-CN": "zh-CN" };

/** "14:30" in the viewer's zone. */
export function localTime(ms: number, zone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
}

/** "5 Dec, 14:30" (or "12月5日 14:30") in the viewer's zone, for a time that may be on another day. */
export function localDateTime(ms: number | null, zone: string, lang: Lang): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  return new Intl.DateTimeFormat(LOCALE[lang], { timeZone: zone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
}

/** The calendar day ("2026-12-05") an instant falls on in a zone: "today" is the viewer's day, not UTC's. */
export function dayKey(ms: number, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
}

/** A 40-character git SHA as its first 7 characters, as git shows it; any other version as given. */
export function shortVersion(version: string): string {
  return /^[0-9a-f]{40}$/i.test(version) ? version.slice(0, 7) : version;
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

/**
 * A latency with the precision the histograms have: their buckets are ±2.5 % wide, so 2 significant figures
 * ("81 ms", "1.2 s"); a third digit would only repeat the bucket's middle.
 */
export function millis(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  const two = (v: number) => String(Number(v.toPrecision(2)));
  return ms >= 1000 ? `${two(ms / 1000)} s` : `${two(ms)} ms`;
}

/** A readable p-value: 3 significant digits, or "< 1e-12" for the tiny ones. */
export function pValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "—";
  return p < 1e-12 ? "< 1e-12" : p < 0.001 ? p.toExponential(2) : p.toPrecision(3);
}

/**
 * A relative change as people say it: "+41 %", or "×12.0" once it has more than doubled. `significant` caps the
 * digits for values that have no more (latency from ±2.5 % histogram buckets: 2).
 */
export function changeText(fraction: number | null, significant?: number): string {
  if (fraction === null || !Number.isFinite(fraction) || significant === undefined) {
    if (fraction !== null && Number.isFinite(fraction) && fraction >= 1) return `×${(1 + fraction).toFixed(1)}`;
    return signedPercent(fraction);
  }
  if (fraction >= 1) return `×${Number((1 + fraction).toPrecision(significant))}`;
  const p = Number((fraction * 100).toPrecision(significant));
  return `${p > 0 ? "+" : ""}${p} %`;
}
