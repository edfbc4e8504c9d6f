import type { Child } from "hono/jsx";
import { assetPath, type AssetName } from "./dashboard-assets.ts";
import { translator, type Lang } from "./i18n/i18n.ts";
import type { PageContext } from "./page-context.ts";

export interface LayoutProps {
  title: string;
  lang: Lang;
  children?: Child;
  /** Who is signed in, for the sign-in / sign-out link; pages without it show a plain "Sign in" link. */
  page?: PageContext;
  /** Scripts of ./assets this page needs, e.g. ["uplot.min.js", "charts.js"]. */
  scripts?: AssetName[];
}

/** The frame of every dashboard page: language, viewport, navigation, skip link and the shared styles. */
export function Layout({ title, lang, children, page, scripts = [] }: LayoutProps) {
  const t = translator(lang);
  const other: Lang = lang === "en" ? "zh-CN" : "en";
  const charts = scripts.includes("charts.js");
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t("app.name")}`}</title>
        <link rel="icon" href="data:," />
        {charts && <link rel="stylesheet" href={assetPath("uplot.min.css")} />}
        <link rel="stylesheet" href={assetPath("dashboard.css")} />
      </head>
      <body>
        <a class="skip" href="#main">{t("nav.skip")}</a>
        <header class="top">
          <a class="brand" href="/">{t("app.name")}</a>
          <nav aria-label={t("nav.label")}>
            <a href="/">{t("nav.releases")}</a>
            <a href="/manager">{t("nav.manager")}</a>
            <a href={`?lang=${other}`} hreflang={other} lang={other} aria-label={t("nav.language.label")}>{t("nav.language")}</a>
            <SessionLink page={page} lang={lang} />
          </nav>
        </header>
        <main id="main" tabindex={-1}>{children}</main>
        {scripts.map((s) => <script src={assetPath(s)} defer></script>)}
      </body>
    </html>
  );
}

function SessionLink({ page, lang }: { page: PageContext | undefined; lang: Lang }) {
  const t = translator(lang);
  const who = page?.viewer.identity;
  if (!who) return <a href="/login">{t("nav.login")}</a>;
  return (
    <form method="post" action="/logout" class="inline">
      <span class="who">{t("nav.signedIn", { name: who.name })}</span>
      <input type="hidden" name="csrf" value={page.viewer.csrf ?? ""} />
      <button type="submit" class="link">{t("nav.logout")}</button>
    </form>
  );
}
