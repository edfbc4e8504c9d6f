import { createHmac, timingSafeEqual } from "node:crypto";
import type { Config } from "../../config.ts";
import { AppError } from "../../http/app-error.ts";
import type { DeployEventInput } from "../deploy-event.ts";
import type { TokenService } from "../../tokens/token-service.ts";
import type { BodySignature, InboundAdapter, InboundRequest, InboundResult } from "./adapter.ts";
import { WEBHOOK_BODY_CAPS } from "./body-caps.ts";
import type { GithubHooks } from "./github-integration.ts";
import { readGithubEvent, type GithubDeployment } from "./github-payload.ts";
import { githubDeployId } from "./github-store.ts";

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * X-Hub-Signature-256: HMAC-SHA256 of the raw body with the webhook secret. The header is checked before the body is
 * read; the HMAC is fed as the body streams in and compared, in constant time, at its end.
 */
export function githubSignature(secret: string | undefined, header: string | undefined): BodySignature {
  if (!secret) throw new AppError("UNAUTHORIZED", "GitHub webhooks are not enabled: DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET is not set");
  const match = SIGNATURE.exec(header?.trim() ?? "");
  if (!match) throw new AppError("UNAUTHORIZED", "X-Hub-Signature-256 header is missing or not sha256=<64 hex digits>");
  const hmac = createHmac("sha256", secret);
  return {
    update: (chunk) => void hmac.update(chunk),
    verify: () => {
      if (!timingSafeEqual(hmac.digest(), Buffer.from(match[1]!, "hex"))) {
        throw new AppError("UNAUTHORIZED", "X-Hub-Signature-256 does not match the body signed with the configured secret");
      }
    },
  };
}

const STATUS_PHASE: Record<string, "started" | "finished" | "failed" | undefined> = {
  queued: "started",
  pending: "started",
  in_progress: "started",
  success: "finished",
  failure: "failed",
  error: "failed",
};

function baseEvent(d: GithubDeployment): Omit<DeployEventInput, "phase" | "timestamp" | "event_id"> {
  return {
    service: d.service,
    environment: d.environment,
    version: d.sha,
    deploy_id: githubDeployId(d.id),
    commit: d.sha,
    tool: "github",
    ...(d.url ? { url: d.url } : {}),
  };
}

const EVENTS = ["deployment", "deployment_status", "deployment_protection_rule"] as const;
const isEvent = (e: string): e is (typeof EVENTS)[number] => (EVENTS as readonly string[]).includes(e);

/**
 * GitHub's deployment, deployment_status and deployment_protection_rule events. Service is the deployment's
 * payload.service when the workflow sets one (one repository, several services), else the repository's full name.
 * Without hooks (no DEPLOY_GUARD_GITHUB_TOKEN) deploys are still recorded, but nothing is posted back.
 */
export function createGithubAdapter(config: Config, _tokens?: TokenService, hooks?: GithubHooks): InboundAdapter {
  const ownLink = config.publicUrl ? `${config.publicUrl.replace(/\/$/, "")}/` : undefined;
  return {
    tool: "github",
    maxBodyBytes: WEBHOOK_BODY_CAPS.github,
    authorize: async (req) => githubSignature(config.githubWebhookSecret, req.header("x-hub-signature-256")),
    async read(payload: unknown, req: InboundRequest): Promise<InboundResult> {
      const event = req.header("x-github-event");
      if (!event) throw new AppError("BAD_REQUEST", "X-GitHub-Event header is missing", [{ path: "header X-GitHub-Event", message: "required" }]);
      if (!isEvent(event)) return { ignored: `GitHub event "${event}" carries no deploy for the guard; send deployment and deployment_status` };
      const read = readGithubEvent(payload, event);
      switch (read.kind) {
        case "deployment": {
          if (read.action !== "created") return { ignored: `deployment action "${read.action}" is not a new deployment` };
          const d = read.deployment;
          await hooks?.remember(d);
          return { events: [{ ...baseEvent(d), phase: "started", timestamp: d.createdAt, event_id: `github-deployment-${d.id}` }] };
        }
        case "deployment_status": {
          const phase = STATUS_PHASE[read.state];
          if (!phase) return { ignored: `deployment_status state "${read.state}" does not start or end a deploy` };
          // The guard's own statuses link to its release page; echoing them back would only repeat what it said.
          if (ownLink && read.links.some((l) => l.startsWith(ownLink))) return { ignored: "deployment_status posted by deploy-guard itself" };
          const d = read.deployment;
          await hooks?.remember(d);
          const delivery = req.header("x-github-delivery");
          const eventId = read.statusId !== undefined ? `github-status-${read.statusId}` : delivery ? `github-delivery-${delivery}` : undefined;
          return { events: [{ ...baseEvent(d), phase, timestamp: read.updatedAt ?? d.updatedAt, ...(eventId ? { event_id: eventId } : {}) }] };
        }
        case "deployment_protection_rule": {
          if (read.action !== "requested") return { ignored: `deployment_protection_rule action "${read.action}" asks nothing` };
          if (!hooks) return { ignored: "deployment protection rules are answered only when DEPLOY_GUARD_GITHUB_TOKEN or the GitHub App's credentials (DEPLOY_GUARD_GITHUB_APP_*) are set" };
          const d = read.deployment;
          await hooks.remember(d);
          hooks.protectionRequested({ deploymentId: d.id, service: d.service, environment: read.environment, callbackUrl: read.callbackUrl });
          return { ignored: "deployment protection rule: the pre-deploy gate's answer is posted to the callback URL" };
        }
      }
    },
  };
}
