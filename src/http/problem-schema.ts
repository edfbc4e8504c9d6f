import { z } from "@hono/zod-openapi";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });

/** The error responses every write endpoint can give. */
export const WRITE_ERRORS = {
  400: problem("Malformed body"),
  401: problem("Missing or invalid token"),
  403: problem("Token lacks the scope"),
  413: problem("Body too large"),
  415: problem("Unsupported content type"),
  422: problem("Body fails validation; errors[] says where"),
} as const;

export const READ_ERRORS = { 401: problem("Missing or invalid token"), 404: problem("Not found") } as const;
