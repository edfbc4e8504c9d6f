import { describe, expect, it } from "vitest";
import { en } from "../../src/dashboard/i18n/en.ts";
import { langFromAcceptLanguage, translator } from "../../src/dashboard/i18n/i18n.ts";
import { zhCN } from "../../src/dashboard/i18n/zh-CN.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dashboard languages", () => {
  it("has the same keys in English and Simplified Chinese, none empty, each with the same placeholders", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      expect(text.trim(), key).not.toBe("");
      expect(zhCN[key as keyof typeof en].trim(), key).not.toBe("");
      expect(placeholders(zhCN[key as keyof typeof en]), key).toEqual(placeholders(text));
    }
  });

  it("translates every page word into Chinese rather than leaving it in English", () => {
    const same = Object.keys(en).filter((k) => en[k as keyof typeof en] === zhCN[k as keyof typeof en]);
    expect(same.sort()).toEqual(["app.name", "release.title", "service.title"]);
  });

  it("chooses the language from Accept-Language by q-value, any Chinese tag giving Simplified Chinese", () => {
    expect(langFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(langFromAcceptLanguage("en-US,en;q=0.9,zh-CN;q=0.8")).toBe("en");
    expect(langFromAcceptLanguage("fr;q=1, zh-Hans;q=0.5, en;q=0.3")).toBe("zh-CN");
    expect(langFromAcceptLanguage("de, fr")).toBe("en");
    expect(langFromAcceptLanguage("zh;q=0, en;q=0.1")).toBe("en");
    expect(langFromAcceptLanguage(undefined)).toBe("en");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translator("zh-CN")("chart.deploy", { version: "2.0" })).toBe("部署 2.0");
    expect(translator("en")("chart.deploy")).toBe("Deploy {version}");
  });
});
