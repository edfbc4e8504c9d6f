import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { TokenService } from "../tokens/token-service.ts";
import { checkFormPost, safeNext, SESSION_COOKIE, viewerOf } from "./dashboard-access.ts";
import { Layout } from "./layout.tsx";
import { pageContext, type PageContext } from "./page-context.ts";
import { HTML_PAGE, renderPage } from "./page-response.ts";

const form = <T extends z.ZodType>(schema: T) => ({ required: true, content: { "application/x-www-form-urlencoded": { schema } } });

const show = createRoute({
  method: "get", path: "/login", summary: "Dashboard: the sign-in form", tags: ["dashboard"], security: [],
  request: { query: z.object({ next: z.string().max(2000).optional() }) },
  responses: HTML_PAGE,
});
const signIn = createRoute({
  method: "post", path: "/login", summary: "Dashboard: sign in with an API token; the HttpOnly, SameSite=Lax cookie holds a server-side session id, never the token", tags: ["dashboard"], security: [],
  request: { body: form(z.object({ token: z.string().trim().min(1).max(500), next: z.string().max(2000).optional() })) },
  responses: { 303: { description: "Signed in" }, 401: HTML_PAGE[200], 403: WRITE_ERRORS[403] },
});
const signOut = createRoute({
  method: "post", path: "/logout", summary: "Dashboard: sign out; the session is revoked at once, so the old cookie signs nobody in", tags: ["dashboard"], security: [],
  request: { body: form(z.object({ csrf: z.string().max(200).optional() })) },
  responses: { 303: { description: "Signed out" }, 403: WRITE_ERRORS[403] },
});

export function loginRoutes(app: Router, c: Container): void {
  app.openapi(show, async (ctx) => renderPage(ctx, <LoginPage p={await pageContext(ctx, c)} next={safeNext(ctx.req.valid("query").next)} />));
  app.openapi(signIn, async (ctx) => {
    const { token, next } = ctx.req.valid("form");
    checkSameSite(ctx, c);
    const p = await pageContext(ctx, c);
    const identity = await c.tokens.identify(token);
    const error = !identity ? p.t("login.invalid") : !TokenService.allows(identity.scope, "read") ? p.t("login.noRead") : undefined;
    if (error || !identity) return renderPage(ctx, <LoginPage p={p} next={safeNext(next)} error={error} />, 401);
    const session = await c.sessions.open(identity);
    setCookie(ctx, SESSION_COOKIE, session.id, { path: "/", httpOnly: true, sameSite: "Lax", secure: isHttps(ctx, c), maxAge: session.maxAgeSeconds });
    return ctx.redirect(safeNext(next), 303);
  });
  app.openapi(signOut, async (ctx) => {
    checkFormPost(ctx, await viewerOf(ctx, c), c.config.publicUrl, ctx.req.valid("form").csrf);
    const session = getCookie(ctx, SESSION_COOKIE);
    if (session) await c.sessions.revoke(session);
    deleteCookie(ctx, SESSION_COOKIE, { path: "/", secure: isHttps(ctx, c) });
    return ctx.redirect("/", 303);
  });
}

/** Sign-in has no session yet, so only the Origin check guards it (against signing a browser in as someone else). */
function checkSameSite(ctx: Context, c: Container): void {
  checkFormPost(ctx, { identity: null, csrf: "-" }, c.config.publicUrl, "-");
}

function isHttps(ctx: Context, c: Container): boolean {
  return new URL(ctx.req.url).protocol === "https:" || (c.config.publicUrl?.startsWith("https:") ?? false);
}

function LoginPage({ p, next, error }: { p: PageContext; next: string; error?: string }) {
  const { t } = p;
  return (
    <Layout title={t("login.title")} lang={p.lang} page={p}>
      <h1>{t("login.title")}</h1>
      <p class="intro">{t("login.intro")}</p>
      {error && <p class="notice tone-red" role="alert">{error}</p>}
      <form method="post" action="/login" class="login">
        <label for="token">{t("login.token")}</label>
        <input id="token" name="token" type="password" autocomplete="off" required />
        <input type="hidden" name="next" value={next} />
        <button type="submit">{t("login.submit")}</button>
      </form>
    </Layout>
  );
}
