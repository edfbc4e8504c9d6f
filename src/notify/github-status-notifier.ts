import { z } from "zod";
import type { DeploymentStatusBody, GithubApi } from "../deploys/adapters/github-api.ts";
import type { ReleaseStatus } from "../store/schema/index.ts";
import type { NotificationPayload } from "./notification-payload.ts";
import type { DeliveryContext, Notifier } from "./notifier.ts";

/** The part of an outbox row that says which GitHub deployment the release came from. */
export const GithubTarget = z.object({
  owner: z.string(),
  repo: z.string(),
  deployment_id: z.number().int().positive(),
  environment: z.string(),
});
export type GithubTarget = z.infer<typeof GithubTarget>;

const Row = z.object({ status: z.string(), summary: z.string().nullable(), github: GithubTarget });

const MAX_DESCRIPTION = 140;

/** Hold waits for a person, so GitHub shows the deployment pending rather than done or failed. */
export function deploymentStatusOf(status: string, summary: string | null): Pick<DeploymentStatusBody, "state" | "description"> | undefined {
  const said = summary?.trim();
  const say = (state: DeploymentStatusBody["state"], text: string) => ({ state, description: clip(text) });
  switch (status as ReleaseStatus) {
    case "analyzing":
      return say("in_progress", "deploy-guard is judging this release from its logs and metrics");
    case "pass":
      return say("success", said || "deploy-guard: pass");
    case "warn":
      return say("success", said ? `Warning: ${said}` : "deploy-guard: pass with warnings");
    case "fail":
      return say("failure", said || "deploy-guard: fail");
    case "hold":
      return say("pending", said ? `On hold: ${said}` : "deploy-guard: on hold for a person");
    default:
      return undefined;
  }
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= MAX_DESCRIPTION ? flat : `${flat.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/**
 * Posts a release's state to its GitHub deployment. Rows come from GithubStatusSync, which adds the deployment; a row
 * without one (an alert routed to "github" by a rule) has nothing to post to and is dropped.
 */
export class GithubStatusNotifier implements Notifier {
  readonly channel = "github";

  constructor(private readonly api: GithubApi) {}

  async send(payload: NotificationPayload, context: DeliveryContext): Promise<void> {
    const row = Row.safeParse(payload);
    if (!row.success) return;
    const { github, status, summary } = row.data;
    const said = deploymentStatusOf(status, summary);
    if (!said) return;
    await this.api.postStatus(github.owner, github.repo, github.deployment_id, {
      ...said,
      environment: github.environment,
      ...(context.release ? { log_url: context.release } : {}),
    });
  }
}
