import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { TOKEN_SCOPES } from "../store/schema/index.ts";

const createToken = createRoute({
  method: "post",
  path: "/api/v1/tokens",
  summary: "Create an API token (admin only); the token is shown in this answer and never again",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.strictObject({ name: z.string().trim().min(1).max(100), scope: z.enum(TOKEN_SCOPES) }).openapi("TokenRequest") } },
    },
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: z.object({ id: z.string(), name: z.string(), scope: z.enum(TOKEN_SCOPES), token: z.string() }) } } },
    ...WRITE_ERRORS,
  },
});

export function tokenRoutes(app: Router, c: Container): void {
  app.use(createToken.path, requireScope(c.tokens, "admin"));
  app.openapi(createToken, (ctx) => {
    const { name, scope } = ctx.req.valid("json");
    const { id, token } = c.tokens.create(name, scope);
    return ctx.json({ id, name, scope, token }, 201);
  });
}
