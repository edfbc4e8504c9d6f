import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Container } from "../container.ts";
import { canOperate, viewerOf, type Viewer } from "./dashboard-access.ts";
import { isLang, langFromAcceptLanguage, translator, type Lang, type Translate } from "./i18n/i18n.ts";

export const LANG_COOKIE = "dg_lang";

/** What every page needs to render: the language, its translations and who is looking. */
export interface PageContext {
  lang: Lang;
  t: Translate;
  viewer: Viewer;
  operator: boolean;
}

/** ?lang= switches and is remembered in a cookie; otherwise the cookie, otherwise the browser's Accept-Language. */
export function pageLang(ctx: Context): Lang {
  const asked = ctx.req.query("lang");
  if (isLang(asked)) {
    setCookie(ctx, LANG_COOKIE, asked, { path: "/", sameSite: "Lax", maxAge: 365 * 24 * 3600, httpOnly: true });
    return asked;
  }
  const remembered = getCookie(ctx, LANG_COOKIE);
  return isLang(remembered) ? remembered : langFromAcceptLanguage(ctx.req.header("accept-language"));
}

export async function pageContext(ctx: Context, c: Container): Promise<PageContext> {
  const lang = pageLang(ctx);
  const viewer = await viewerOf(ctx, c);
  return { lang, t: translator(lang), viewer, operator: canOperate(viewer) };
}
