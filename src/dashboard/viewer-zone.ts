import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

// One cookie for every page that shows local times (board, release, manager).
export const ZONE_COOKIE = "dg_tz";
export const DEFAULT_ZONE = "UTC";

/** An IANA time zone this Node knows ("Asia/Shanghai", "UTC"); anything else would throw inside Intl. */
export function isZone(value: string | undefined): value is string {
  if (value === undefined || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** `?tz=` on a page: refused with a 422 problem when it names no time zone, rather than silently shown in UTC. */
export const ZoneQuery = z
  .string()
  .refine(isZone, { message: "must be an IANA time zone such as Europe/Berlin or Asia/Shanghai" })
  .optional()
  .openapi({ param: { name: "tz", in: "query" }, description: "the viewer's time zone; remembered in a cookie", example: "Asia/Shanghai" });

/** Where the page's times are shown: the browser's zone once board.js has sent it, UTC (named as such) before. */
export interface ViewerZone {
  zone: string;
  /** True while the zone is the default, not one the browser told us. */
  assumed: boolean;
}

export function viewerZone(ctx: Context): ViewerZone {
  const asked = ctx.req.query("tz");
  if (isZone(asked)) {
    setCookie(ctx, ZONE_COOKIE, asked, { path: "/", sameSite: "Lax", maxAge: 365 * 24 * 3600, httpOnly: true });
    return { zone: asked, assumed: false };
  }
  const remembered = getCookie(ctx, ZONE_COOKIE);
  return isZone(remembered) ? { zone: remembered, assumed: false } : { zone: DEFAULT_ZONE, assumed: true };
}
