import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import type { ReloadState } from "../rules/rule-set.ts";
import { boardReleases, splitByDay, tally, type BoardRelease } from "./board-data.ts";
import { ago, localDateTime, shortVersion } from "./format.ts";
import { Layout } from "./layout.tsx";
import { pageContext, type PageContext } from "./page-context.ts";
import { HTML_PAGE, renderPage } from "./page-response.ts";
import { decisionWords, lightOf, releaseSentence, type Reader } from "./release-words.ts";
import { LIGHTS, StatusLight } from "./status-light.tsx";
import { viewerZone, ZoneQuery, type ViewerZone } from "./viewer-zone.ts";

const LIGHT_STATES = ["pending", "analyzing", "worsening", "pass", "warn", "fail", "hold"] as const;
const BoardJson = z.object({
  releases: z.array(z.object({ id: z.string(), status: z.enum(LIGHT_STATES), label: z.string(), icon: z.string(), tone: z.string(), summary: z.string() })),
});

const BoardQuery = z.object({ tz: ZoneQuery });
const page = createRoute({ method: "get", path: "/", summary: "Dashboard: the release board", tags: ["dashboard"], request: { query: BoardQuery }, responses: { ...HTML_PAGE, 422: WRITE_ERRORS[422] } });
const json = createRoute({
  method: "get", path: "/board.json", summary: "Dashboard: the board's releases, polled by the page while releases are judged", tags: ["dashboard"],
  request: { query: BoardQuery },
  responses: { 200: { description: "The board", content: { "application/json": { schema: BoardJson } } }, 422: WRITE_ERRORS[422], 401: READ_ERRORS[401] },
});

const sentence = (r: BoardRelease, reader: Reader) => `${decisionWords(r.facts, reader.t)}${releaseSentence(r.facts, reader)}`;

export function boardRoutes(app: Router, c: Container): void {
  app.openapi(page, async (ctx) => {
    const p = await pageContext(ctx, c);
    return renderPage(ctx, <BoardPage p={p} zone={viewerZone(ctx)} releases={await boardReleases(c)} now={c.now()} reload={c.rules.reloadState()} />);
  });
  app.openapi(json, async (ctx) => {
    const p = await pageContext(ctx, c);
    const reader = { t: p.t, lang: p.lang, zone: viewerZone(ctx).zone };
    ctx.header("Cache-Control", "no-store");
    const releases = (await boardReleases(c)).map((r) => {
      const light = lightOf(r.facts);
      return { id: r.id, status: light, label: p.t(`status.${light}`), ...LIGHTS[light], summary: sentence(r, reader) };
    });
    return ctx.json({ releases }, 200);
  });
}

function BoardPage({ p, zone, releases, now, reload }: { p: PageContext; zone: ViewerZone; releases: BoardRelease[]; now: number; reload: ReloadState }) {
  const { t } = p;
  const reader: Reader = { t, lang: p.lang, zone: zone.zone };
  const { today, earlier } = splitByDay(releases, now, zone.zone);
  return (
    <Layout title={t("board.title")} lang={p.lang} page={p} scripts={["board.js"]}>
      <h1>{t("board.title")}</h1>
      <p class="answer" data-summary>{summaryLine(today, t)}</p>
      <p class="hint" data-zone={zone.zone} data-zone-assumed={zone.assumed ? "1" : undefined}>
        {zone.assumed ? t("zone.assumed") : t("zone.shown", { zone: zone.zone })} {t("board.intro")}
      </p>
      {reload.status === "refused" && (
        <p class="notice tone-red" role="alert" data-rules-refused>{t("board.rulesRefused", { files: reload.files.join(", "), error: reload.error })}</p>
      )}
      {releases.length === 0 ? <p class="empty">{t("board.empty")}</p> : (
        <div data-board>
          <p class="hint" aria-live="polite">{t("board.live")}</p>
          {today.length > 0 && <Group title={t("board.today")} releases={today} reader={reader} now={now} />}
          {earlier.length > 0 && <Group title={t("board.earlier")} releases={earlier} reader={reader} now={now} />}
        </div>
      )}
    </Layout>
  );
}

/** "Today: 14 releases — 12 healthy, 1 stopped and rolled back, 1 being checked". */
export function summaryLine(today: BoardRelease[], t: PageContext["t"]): string {
  if (today.length === 0) return t("board.summary.empty");
  const total = t(today.length === 1 ? "board.summary.release" : "board.summary.releases", { n: today.length });
  const parts = tally(today).map(({ tally: k, n }) => t(`board.count.${k}`, { n })).join(t("list.sep"));
  return t("board.summary", { total, parts });
}

function Group({ title, releases, reader, now }: { title: string; releases: BoardRelease[]; reader: Reader; now: number }) {
  const { t } = reader;
  return (
    <section>
      <h2>{title}</h2>
      <ol class="releases">
        {releases.map((r) => {
          const light = lightOf(r.facts);
          const version = shortVersion(r.version);
          return (
            <li class={`release tone-${LIGHTS[light].tone}`} data-release={r.id}>
              <div class="release-head">
                <StatusLight status={light} t={t} />
                <a class="release-name" href={`/releases/${encodeURIComponent(r.id)}`} translate="no">
                  {r.service} <span class="version" title={version === r.version ? undefined : r.version} data-version={r.version}>{version}</span>
                </a>
                <span class="env" translate="no">{r.environment}</span>
                <time datetime={new Date(r.deployedAt).toISOString()} title={localDateTime(r.deployedAt, reader.zone, reader.lang)}>{ago(r.deployedAt, now, t)}</time>
              </div>
              <p class="summary">{sentence(r, reader)}</p>
              {r.would_have && r.would_have !== "pass" && <p class="hint" data-would-have={r.would_have}>{t("board.wouldHave", { status: t(`status.${r.would_have}`) })}</p>}
              <a class="service-link" href={`/services/${encodeURIComponent(r.service)}?environment=${encodeURIComponent(r.environment)}`}><span translate="no">{r.service}</span> →</a>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
