import type { Context } from "hono";
import { z } from "@hono/zod-openapi";
import type { HtmlEscapedString } from "hono/utils/html";
import { securityHeaders } from "./dashboard-access.ts";

/** The OpenAPI description of a page: HTML for people, with a redirect to the sign-in form when needed. */
export const HTML_PAGE = {
  200: { description: "The page (HTML)", content: { "text/html": { schema: z.string() } } },
  303: { description: "Not signed in: to the sign-in form" },
  404: { description: "Not found (HTML)", content: { "text/html": { schema: z.string() } } },
} as const;

type Rendered = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Renders a JSX page as a whole HTML document with the dashboard's security headers. */
export async function renderPage(ctx: Context, page: Rendered, status: 200 | 401 | 403 | 404 | 409 | 422 = 200): Promise<Response> {
  securityHeaders(ctx);
  return ctx.html(`<!DOCTYPE html>${String(await page)}`, status);
}
