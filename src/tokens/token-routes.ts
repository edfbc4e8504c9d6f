import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { AppError } from "../http/app-error.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { TOKEN_SCOPES } from "../store/schema/index.ts";
import { GLOB } from "./token-access.ts";

const Globs = z.array(z.string().regex(GLOB, "letters, digits, _ . : - and * (any run of characters)")).min(1).max(100);

const TokenRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scope: z.enum(TOKEN_SCOPES),
    services: Globs.optional().openapi({ description: "globs of the services the token may touch, e.g. [\"checkout\", \"pay-*\"]; every service when absent" }),
    environments: Globs.optional().openapi({ description: "globs of the environments the token may touch; every environment when absent" }),
  })
  // An admin token can create unlimited tokens, so a limit on it would promise what it cannot keep.
  .refine((t) => t.scope !== "admin" || (t.services === undefined && t.environments === undefined), { message: "an admin token cannot be limited to services or environments", path: ["scope"] })
  .openapi("TokenRequest");

const TokenView = z.object({
  id: z.string(), name: z.string(), scope: z.enum(TOKEN_SCOPES),
  services: z.array(z.string()).nullable(), environments: z.array(z.string()).nullable(),
  created_at: z.string(), last_used_at: z.string().nullable(), revoked_at: z.string().nullable(),
}).openapi("TokenView");

const createToken = createRoute({
  method: "post",
  path: "/api/v1/tokens",
  summary: "Create an API token (admin only); the token is shown in this answer and never again",
  request: { body: { required: true, content: { "application/json": { schema: TokenRequest } } } },
  responses: {
    201: {
      description: "Created",
      content: { "application/json": { schema: z.object({ id: z.string(), name: z.string(), scope: z.enum(TOKEN_SCOPES), services: z.array(z.string()).nullable(), environments: z.array(z.string()).nullable(), token: z.string() }) } },
    },
    ...WRITE_ERRORS,
  },
});

const listTokens = createRoute({
  method: "get", path: "/api/v1/tokens", summary: "Every token, without its secret: scope, limits, when it was created, last used and revoked",
  responses: { 200: { description: "The tokens", content: { "application/json": { schema: z.object({ tokens: z.array(TokenView) }) } } }, ...READ_ERRORS },
});

const revokeToken = createRoute({
  method: "delete", path: "/api/v1/tokens/{id}", summary: "Revoke a token: refused from the very next request",
  request: { params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: { 204: { description: "Revoked" }, ...READ_ERRORS },
});

export function tokenRoutes(app: Router, c: Container): void {
  const admin = requireScope(c.tokens, "admin");
  app.use("/api/v1/tokens", admin);
  app.use("/api/v1/tokens/*", admin);
  app.openapi(createToken, async (ctx) => {
    const { name, scope, services, environments } = ctx.req.valid("json");
    const { id, token } = await c.tokens.create(name, scope, { services: services ?? null, environments: environments ?? null });
    ctx.get("logFields").token_id = id;
    return ctx.json({ id, name, scope, services: services ?? null, environments: environments ?? null, token }, 201);
  });
  app.openapi(listTokens, async (ctx) => ctx.json({ tokens: await c.tokens.list() }, 200));
  app.openapi(revokeToken, async (ctx) => {
    const { id } = ctx.req.valid("param");
    if (!(await c.tokens.revoke(id))) throw new AppError("NOT_FOUND", `There is no token with id '${id}'.`);
    ctx.get("logFields").token_id = id;
    return ctx.body(null, 204);
  });
}
