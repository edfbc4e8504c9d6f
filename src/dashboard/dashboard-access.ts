import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Container } from "../container.ts";
import { AppError } from "../http/app-error.ts";
import type { AppEnv } from "../http/app-env.ts";
import { TokenService, type TokenIdentity } from "../tokens/token-service.ts";

export const SESSION_COOKIE = "dg_session";

/** Who is looking at a page: a token's identity (name and scope, never the token), or nobody on an open network. */
export interface Viewer {
  identity: TokenIdentity | null;
  /** The per-session CSRF token for forms; absent without a session. */
  csrf: string | undefined;
}

/** Derived from the session id (or a script's bearer token), so it needs no server state and changes with every sign-in. */
export function csrfFor(secret: string): string {
  return createHmac("sha256", secret).update("deploy-guard dashboard csrf v1").digest("base64url");
}

// A page asks several times per request; the session is looked up once.
const viewers = new WeakMap<Request, Promise<Viewer>>();

/** A bearer header (scripts) is a token; the HttpOnly cookie (browsers) is a server-side session id, never a token. */
export function viewerOf(ctx: Context, c: Container): Promise<Viewer> {
  const known = viewers.get(ctx.req.raw);
  if (known) return known;
  const viewer = lookUpViewer(ctx, c);
  viewers.set(ctx.req.raw, viewer);
  return viewer;
}

async function lookUpViewer(ctx: Context, c: Container): Promise<Viewer> {
  const bearer = ctx.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const session = bearer ? undefined : getCookie(ctx, SESSION_COOKIE);
  const identity = bearer ? await c.tokens.identify(bearer) : session ? await c.sessions.resolve(session) : null;
  const secret = bearer ?? session;
  return { identity, csrf: secret && identity ? csrfFor(secret) : undefined };
}

export function canRead(viewer: Viewer, c: Container): boolean {
  return c.config.openReads || (viewer.identity !== null && TokenService.allows(viewer.identity.scope, "read"));
}

export function canOperate(viewer: Viewer): boolean {
  return viewer.identity !== null && TokenService.allows(viewer.identity.scope, "operator");
}

/** Headers for every page: no framing (operator buttons), scripts only from this service, nothing cached. */
export function securityHeaders(ctx: Context): void {
  ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  ctx.header("X-Content-Type-Options", "nosniff");
  ctx.header("Referrer-Policy", "same-origin");
  ctx.header("Cache-Control", "no-store");
}

/** Pages need read access (or an open network); a browser without it is sent to the sign-in form. */
export function dashboardAccess(c: Container): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    if (!canRead(await viewerOf(ctx, c), c)) {
      if (ctx.req.method === "GET" && !ctx.req.path.endsWith(".json")) {
        const target = ctx.req.path + (new URL(ctx.req.url).search || "");
        return ctx.redirect(`/login?next=${encodeURIComponent(target)}`, 303);
      }
      throw new AppError("UNAUTHORIZED", "Sign in to the dashboard, or send the API token as 'Authorization: Bearer <token>'.");
    }
    await next();
    securityHeaders(ctx);
  };
}

/**
 * A form post must come from this site (Origin, or Referer when a browser sends no Origin) and carry the
 * session's CSRF token; SameSite=Lax on the cookie is the third guard.
 */
export function checkFormPost(ctx: Context, viewer: Viewer, publicUrl: string | undefined, sent: string | undefined): void {
  const from = ctx.req.header("origin") ?? originOf(ctx.req.header("referer"));
  const allowed = [new URL(ctx.req.url).origin, ...(publicUrl ? [new URL(publicUrl).origin] : [])];
  if (!from || !allowed.includes(from)) throw new AppError("FORBIDDEN", "This form must be sent from the dashboard's own pages (the Origin header did not match).");
  if (!viewer.csrf || !sent || !sameText(viewer.csrf, sent)) throw new AppError("FORBIDDEN", "The form's security token is missing or out of date; reload the page and try again.");
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Only a path on this site, never another host, so the sign-in form cannot be used to send people elsewhere. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}
