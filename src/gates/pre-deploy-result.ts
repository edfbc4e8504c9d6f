import { z } from "@hono/zod-openapi";

export const PreDeployCheckSchema = z
  .object({
    check: z.enum(["open_verdict", "live_error_rate"]),
    signal: z.string().nullable().openapi({ description: "the rule's error-rate signal, for live_error_rate" }),
    status: z.enum(["pass", "hold", "not_judged"]),
    reason: z.string(),
    release_id: z.string().nullable().openapi({ description: "the release the open_verdict check looked at" }),
    stats: z
      .object({
        requests: z.number().int(), errors: z.number().int(), error_rate: z.number().nullable(), limit: z.number(),
        p_value: z.number().nullable().openapi({ description: "one-sided exact binomial test that the error rate is above the limit" }),
        window: z.object({ start: z.string(), end: z.string() }),
      })
      .nullable(),
  })
  .openapi("PreDeployCheck");

export const PreDeployResultSchema = z
  .object({
    service: z.string(),
    environment: z.string(),
    status: z.enum(["pass", "hold"]).openapi({ description: "pass: go ahead; hold: the service is already unhealthy, do not start" }),
    reason: z.string(),
    checks: z.array(PreDeployCheckSchema),
    checked_at: z.string(),
  })
  .openapi("PreDeployGate");

export type PreDeployCheck = z.infer<typeof PreDeployCheckSchema>;
export type PreDeployResult = z.infer<typeof PreDeployResultSchema>;
