import { z } from "@hono/zod-openapi";
import { nameField } from "../http/name-field.ts";
import { TimestampField } from "../http/timestamp-field.ts";
import { httpUrl } from "../http/url-field.ts";
import { DEPLOY_PHASES } from "../store/schema/index.ts";

const Name = nameField(200);

/** The `tool` of a deploy deploy-guard saw only in telemetry, as a new version label (src/deploys/version-detector.ts). */
export const VERSION_LABEL_TOOL = "version-label";
const Host = nameField(255);

export const DeployEventSchema = z
  .strictObject({
    service: Name.openapi({ example: "checkout" }),
    environment: Name.default("production"),
    version: Name.openapi({ example: "2026.11.21-1" }),
    phase: z.enum(DEPLOY_PHASES),
    timestamp: TimestampField.optional(),
    deploy_id: Name.optional().openapi({ description: "one roll-out; omitted, a finished event closes the open deploy of the release" }),
    event_id: Name.optional().openapi({ description: "re-sent events with the same id are accepted once" }),
    batch: z
      .strictObject({
        index: z.number().int().min(1).openapi({ description: "1-based batch number" }),
        total: z.number().int().min(1).max(100_000),
        hosts: z.array(Host).max(10_000).optional(),
      })
      .refine((b) => b.index <= b.total, { message: "index must not exceed total", path: ["index"] })
      .optional(),
    hosts: z.array(Host).max(100_000).optional(),
    commit: nameField(100).optional(),
    url: httpUrl().max(2000).optional(),
    tool: nameField(50).optional(),
  })
  .openapi("DeployEvent");

export type DeployEventInput = z.infer<typeof DeployEventSchema>;

export const DeployAcceptedSchema = z
  .object({ release_id: z.string(), deploy_id: z.string(), duplicate: z.boolean() })
  .openapi("DeployAccepted");
