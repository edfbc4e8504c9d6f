import { en, type Dictionary, type MessageKey } from "./en.ts";
import { zhCN } from "./zh-CN.ts";

export const LANGS = ["en", "zh-CN"] as const;
export type Lang = (typeof LANGS)[number];
export type { MessageKey };

const DICTIONARIES: Record<Lang, Dictionary> = { en, "zh-CN": zhCN };

/** A translate function for one language: t("key", { name: value }). */
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict = DICTIONARIES[lang];
  return (key, values) => dict[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole));
}

export function isLang(value: string | undefined): value is Lang {
  return value !== undefined && (LANGS as readonly string[]).includes(value);
}

/** The best language for an Accept-Language header (RFC 9110 q-values); any Chinese tag gets Simplified Chinese. */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return "en";
  const ranked = header
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim().match(/^q=([\d.]+)$/)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag !== "" && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
    if (tag === "en" || tag.startsWith("en-") || tag === "*") return "en";
  }
  return "en";
}
