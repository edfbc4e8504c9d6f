import type { Config } from "../../config.ts";
import type { DeployEventInput } from "../deploy-event.ts";
import type { TokenService } from "../../tokens/token-service.ts";
import type { InboundAdapter } from "./adapter.ts";
import { WEBHOOK_BODY_CAPS } from "./body-caps.ts";
import { requireIngestToken } from "./inbound-auth.ts";
import { missing, optionalIsoTime, optionalText, optionalUrl, requiredText, requireObject } from "./payload-fields.ts";

const SHA = /^[0-9a-f]{40}$/i;

/**
 * Argo CD notifications through its webhook service, with the body template in docs/integrations/argocd.md.
 * Go templates print "<no value>" for a missing key (finishedAt while a sync runs), so that counts as absent.
 */
export function createArgocdAdapter(_config: Config, tokens: TokenService): InboundAdapter {
  return {
    tool: "argocd",
    maxBodyBytes: WEBHOOK_BODY_CAPS.argocd,
    authorize: async (req) => {
      await requireIngestToken(tokens, req, "Argo CD", false);
      return undefined;
    },
    read(payload) {
      const body = withoutNoValue(requireObject(payload));
      const app = requiredText(body, "app");
      const phase = requiredText(body, "phase");
      const health = optionalText(body, "health");
      const revision = optionalText(body, "revision") ?? optionalText(body, "syncResult.revision");
      const version = optionalText(body, "version") ?? revision;
      if (version === undefined) throw missing("revision");
      const startedAt = optionalIsoTime(body, "started_at");
      const key = `argocd:${app}:${optionalText(body, "started_at") ?? version}`;
      const base = {
        service: app,
        environment: optionalText(body, "environment") ?? requiredText(body, "namespace"),
        version,
        deploy_id: key,
        commit: revision && SHA.test(revision) ? revision : undefined,
        url: optionalUrl(body, "url"),
        tool: "argocd",
      };
      const event = (p: DeployEventInput["phase"], timestamp: number | undefined): DeployEventInput => ({ ...base, phase: p, timestamp, event_id: `${key}:${p}` });
      const endedAt = optionalIsoTime(body, "healthy_at") ?? optionalIsoTime(body, "finished_at");
      if (phase === "Running") return { events: [event("started", startedAt)] };
      if (phase === "Failed" || phase === "Error") return { events: [event("failed", optionalIsoTime(body, "finished_at"))] };
      if (phase !== "Succeeded") return { ignored: `Argo CD sync phase '${phase}' is neither a start nor an end.` };
      if (health === "Healthy") return { events: [event("started", startedAt), event("finished", endedAt)] };
      if (health === "Degraded" || health === "Missing") return { events: [event("started", startedAt), event("failed", endedAt)] };
      return { ignored: `The sync succeeded but the app is '${health ?? "of unknown health"}'; the on-deployed trigger reports it once it is Healthy.` };
    },
  };
}

function withoutNoValue(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== "<no value>"));
}
