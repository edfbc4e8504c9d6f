import { z } from "zod";
import { AppError } from "../../http/app-error.ts";
import { parseTimestamp } from "../../http/timestamp-field.ts";

/** What the guard keeps of one GitHub deployment, whichever event carried it. */
export interface GithubDeployment {
  id: number;
  owner: string;
  repo: string;
  service: string;
  environment: string;
  sha: string;
  createdAt: number;
  updatedAt: number;
  url: string | undefined;
}

export type GithubRead =
  | { kind: "deployment"; action: string; deployment: GithubDeployment }
  | { kind: "deployment_status"; state: string; statusId: number | undefined; updatedAt: number | undefined; links: string[]; deployment: GithubDeployment }
  | { kind: "deployment_protection_rule"; action: string; environment: string; callbackUrl: string; deployment: GithubDeployment };

const Text = z.string().trim().min(1);
const Time = z.string().transform((v, ctx) => {
  const ms = parseTimestamp(v);
  if (typeof ms === "string") ctx.addIssue({ code: "custom", message: ms });
  return typeof ms === "number" ? ms : z.NEVER;
});
const FullName = z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name");

const DeploymentSchema = z.object({
  id: z.number().int().positive(),
  sha: z.string().trim(),
  ref: z.string().trim(),
  environment: Text,
  payload: z.unknown().optional(),
  created_at: Time,
  updated_at: Time,
});
const RepositorySchema = z.object({ full_name: FullName, html_url: z.string().optional() });

const DeploymentEvent = z.object({ action: Text, deployment: DeploymentSchema, repository: RepositorySchema });
const StatusEvent = z.object({
  action: Text,
  deployment_status: z.object({
    id: z.number().int().positive().optional(),
    state: Text,
    updated_at: Time.optional(),
    target_url: z.string().nullish(),
    log_url: z.string().nullish(),
  }),
  deployment: DeploymentSchema,
  repository: RepositorySchema,
});
const ProtectionEvent = z.object({
  action: Text,
  environment: Text.optional(),
  deployment_callback_url: Text,
  deployment: DeploymentSchema,
  repository: RepositorySchema,
});

/** A workflow may name the service in the deployment's payload (an object, or a JSON string in older API clients). */
function serviceOf(payload: unknown, fallback: string): string {
  let p = payload;
  if (typeof p === "string") {
    try {
      p = JSON.parse(p);
    } catch {
      return fallback;
    }
  }
  if (p && typeof p === "object" && "service" in p && typeof p.service === "string" && p.service.trim()) return p.service.trim();
  return fallback;
}

function deploymentOf(d: z.infer<typeof DeploymentSchema>, repo: z.infer<typeof RepositorySchema>): GithubDeployment {
  const [owner = "", name = ""] = repo.full_name.split("/");
  const version = d.sha || d.ref;
  if (!version) throw new AppError("VALIDATION_FAILED", "The GitHub deployment names no commit", [{ path: "deployment.sha", message: "sha or ref is required" }]);
  return {
    id: d.id, owner, repo: name,
    service: serviceOf(d.payload, repo.full_name),
    environment: d.environment, sha: version,
    createdAt: d.created_at, updatedAt: d.updated_at,
    url: repo.html_url ? `${repo.html_url}/deployments` : undefined,
  };
}

function parse<T>(schema: z.ZodType<T>, payload: unknown, event: string): T {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  throw new AppError(
    "VALIDATION_FAILED",
    `The body is not a GitHub ${event} event`,
    r.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message })),
  );
}

export function readGithubEvent(payload: unknown, event: "deployment" | "deployment_status" | "deployment_protection_rule"): GithubRead {
  switch (event) {
    case "deployment": {
      const p = parse(DeploymentEvent, payload, event);
      return { kind: event, action: p.action, deployment: deploymentOf(p.deployment, p.repository) };
    }
    case "deployment_status": {
      const p = parse(StatusEvent, payload, event);
      const s = p.deployment_status;
      const links = [s.log_url, s.target_url].filter((u): u is string => Boolean(u));
      return { kind: event, state: s.state, statusId: s.id, updatedAt: s.updated_at, links, deployment: deploymentOf(p.deployment, p.repository) };
    }
    case "deployment_protection_rule": {
      const p = parse(ProtectionEvent, payload, event);
      const deployment = deploymentOf(p.deployment, p.repository);
      return { kind: event, action: p.action, environment: p.environment ?? deployment.environment, callbackUrl: p.deployment_callback_url, deployment };
    }
  }
}
