import type { Config } from "../../config.ts";
import { AppError } from "../../http/app-error.ts";
import type { DeployPhase } from "../../store/schema/index.ts";
import type { InboundAdapter } from "./adapter.ts";
import { WEBHOOK_BODY_CAPS } from "./body-caps.ts";
import { parseGitlabTime } from "./gitlab-time.ts";
import { secretEquals } from "./inbound-auth.ts";
import { missing, optionalText, optionalUrl, requiredText, requireObject } from "./payload-fields.ts";

/** GitLab's deployment statuses that a deployment hook reports; a canceled roll-out stopped part way, so it failed. */
const PHASES: Record<string, DeployPhase> = { running: "started", success: "finished", failed: "failed", canceled: "failed" };
const FULL_SHA = /\/commit\/([0-9a-f]{40})$/i;

/** GitLab deployment hooks (object_kind "deployment"), checked against X-Gitlab-Token. */
export function createGitlabAdapter(config: Config): InboundAdapter {
  const expected = config.gitlabWebhookToken;
  return {
    tool: "gitlab",
    maxBodyBytes: WEBHOOK_BODY_CAPS.gitlab,
    async authorize(req) {
      if (!expected) throw new AppError("UNAUTHORIZED", "GitLab webhooks are not enabled here: set DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN and the same value as the webhook's secret token.");
      const presented = req.header("x-gitlab-token");
      if (!presented) throw new AppError("UNAUTHORIZED", "Send the webhook's secret token in the X-Gitlab-Token header.");
      if (!secretEquals(presented, expected)) throw new AppError("UNAUTHORIZED", "The X-Gitlab-Token header does not match the configured secret token.");
      return undefined;
    },
    read(payload) {
      const body = requireObject(payload);
      const kind = optionalText(body, "object_kind");
      if (kind !== "deployment") return { ignored: `GitLab '${kind ?? "unknown"}' hooks are not read; enable "Deployment events" on the webhook.` };
      const status = requiredText(body, "status");
      const phase = PHASES[status];
      if (!phase) return { ignored: `GitLab deployment status '${status}' is not a start or an end.` };
      const changedAt = requiredText(body, "status_changed_at");
      const timestamp = parseGitlabTime(changedAt);
      if (timestamp === undefined) throw missing("status_changed_at", "must be a GitLab time like '2021-04-28 21:50:00 +0200'");
      const deployment = `gitlab:${requiredText(body, "project.id")}/${requiredText(body, "deployment_id")}`;
      const shortSha = requiredText(body, "short_sha");
      const commitUrl = optionalText(body, "commit_url");
      return {
        events: [
          {
            service: requiredText(body, "project.name"),
            environment: requiredText(body, "environment"),
            version: shortSha,
            phase,
            timestamp,
            deploy_id: deployment,
            event_id: `${deployment}:${status}`,
            commit: commitUrl?.match(FULL_SHA)?.[1] ?? shortSha,
            url: optionalUrl(body, "deployable_url"),
            tool: "gitlab",
          },
        ],
      };
    },
  };
}
