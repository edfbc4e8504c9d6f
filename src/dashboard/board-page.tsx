import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { READ_ERRORS } from "../http/problem-schema.ts";
import { RELEASE_STATUSES } from "../store/schema/index.ts";
import type { releaseView } from "../verdicts/verdict-view.ts";
import { ago, utcTime } from "./format.ts";
import type { Translate } from "./i18n/i18n.ts";
import { Layout } from "./layout.tsx";
import { pageContext, type PageContext } from "./page-context.ts";
import { HTML_PAGE, renderPage } from "./page-response.ts";
import { LIGHTS, StatusLight } from "./status-light.tsx";
import type { ReloadState } from "../rules/rule-set.ts";

const BOARD_SIZE = 60;
const DAY = 24 * 3600_000;

type BoardRelease = ReturnType<typeof releaseView> & { deployed_at: number };

async function boardReleases(c: Container): Promise<BoardRelease[]> {
  const board: BoardRelease[] = [];
  for (const r of await c.releases.list({ limit: BOARD_SIZE })) {
    board.push({ ...(await c.views.release(r)), deployed_at: r.deployFinishedAt ?? r.deployStartedAt ?? r.createdAt });
  }
  return board;
}

const BoardJson = z.object({
  releases: z.array(z.object({ id: z.string(), status: z.enum(RELEASE_STATUSES), label: z.string(), icon: z.string(), tone: z.string(), summary: z.string() })),
});

const page = createRoute({ method: "get", path: "/", summary: "Dashboard: the release board", tags: ["dashboard"], responses: HTML_PAGE });
const json = createRoute({
  method: "get", path: "/board.json", summary: "Dashboard: the board's releases, polled by the page while releases are judged", tags: ["dashboard"],
  responses: { 200: { description: "The board", content: { "application/json": { schema: BoardJson } } }, 401: READ_ERRORS[401] },
});

export function boardRoutes(app: Router, c: Container): void {
  app.openapi(page, async (ctx) => {
    const p = await pageContext(ctx, c);
    return renderPage(ctx, <BoardPage p={p} releases={await boardReleases(c)} now={c.now()} reload={c.rules.reloadState()} />);
  });
  app.openapi(json, async (ctx) => {
    const { t } = await pageContext(ctx, c);
    ctx.header("Cache-Control", "no-store");
    const releases = (await boardReleases(c)).map((r) => ({ id: r.id, status: r.status, label: t(`status.${r.status}`), ...LIGHTS[r.status], summary: r.summary }));
    return ctx.json({ releases }, 200);
  });
}

function BoardPage({ p, releases, now, reload }: { p: PageContext; releases: BoardRelease[]; now: number; reload: ReloadState }) {
  const { t } = p;
  const midnight = Math.floor(now / DAY) * DAY;
  const today = releases.filter((r) => r.deployed_at >= midnight);
  const earlier = releases.filter((r) => r.deployed_at < midnight);
  return (
    <Layout title={t("board.title")} lang={p.lang} page={p} scripts={["board.js"]}>
      <h1>{t("board.title")}</h1>
      <p class="intro">{t("board.intro")}</p>
      {reload.status === "refused" && (
        <p class="notice tone-red" role="alert" data-rules-refused>{t("board.rulesRefused", { files: reload.files.join(", "), error: reload.error })}</p>
      )}
      {releases.length === 0 ? <p class="empty">{t("board.empty")}</p> : (
        <div data-board>
          <p class="hint" aria-live="polite">{t("board.live")}</p>
          {today.length > 0 && <Group title={t("board.today")} releases={today} t={t} now={now} />}
          {earlier.length > 0 && <Group title={t("board.earlier")} releases={earlier} t={t} now={now} />}
        </div>
      )}
    </Layout>
  );
}

function Group({ title, releases, t, now }: { title: string; releases: BoardRelease[]; t: Translate; now: number }) {
  return (
    <section>
      <h2>{title}</h2>
      <ol class="releases">
        {releases.map((r) => (
          <li class={`release tone-${LIGHTS[r.status].tone}`} data-release={r.id}>
            <div class="release-head">
              <StatusLight status={r.status} t={t} />
              <a class="release-name" href={`/releases/${encodeURIComponent(r.id)}`}>{r.service} {r.version}</a>
              <span class="env">{r.environment}</span>
              <time datetime={new Date(r.deployed_at).toISOString()} title={utcTime(r.deployed_at)}>{ago(r.deployed_at, now, t)}</time>
            </div>
            <p class="summary">{r.summary}</p>
            {r.would_have && r.would_have !== "pass" && <p class="hint" data-would-have={r.would_have}>{t("board.wouldHave", { status: t(`status.${r.would_have}`) })}</p>}
            <a class="service-link" href={`/services/${encodeURIComponent(r.service)}?environment=${encodeURIComponent(r.environment)}`}>{r.service} →</a>
          </li>
        ))}
      </ol>
    </section>
  );
}
