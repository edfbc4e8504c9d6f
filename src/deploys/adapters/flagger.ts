import type { Config } from "../../config.ts";
import type { DeployPhase } from "../../store/schema/index.ts";
import type { TokenService } from "../../tokens/token-service.ts";
import type { InboundAdapter } from "./adapter.ts";
import { WEBHOOK_BODY_CAPS } from "./body-caps.ts";
import { requireIngestToken } from "./inbound-auth.ts";
import { optionalEpochMs, optionalText, requiredText, requireObject } from "./payload-fields.ts";

/**
 * Flagger's canary phases. Every phase of one roll-out carries the same checksum, so the in-progress phases share
 * one "started" event id: whichever arrives first starts the deploy and the rest are duplicates.
 */
const PHASES: Record<string, DeployPhase> = {
  Progressing: "started",
  Promoting: "started",
  Finalising: "started",
  Succeeded: "finished",
  Failed: "failed",
};

/** Flagger's event webhook (-event-webhook, or a canary webhook of type "event"); it cannot set headers. */
export function createFlaggerAdapter(_config: Config, tokens: TokenService): InboundAdapter {
  return {
    tool: "flagger",
    maxBodyBytes: WEBHOOK_BODY_CAPS.flagger,
    authorize: async (req) => {
      await requireIngestToken(tokens, req, "Flagger", true);
      return undefined;
    },
    read(payload) {
      const body = requireObject(payload);
      const name = requiredText(body, "name");
      const namespace = requiredText(body, "namespace");
      const canaryPhase = requiredText(body, "phase");
      const phase = PHASES[canaryPhase];
      if (!phase) return { ignored: `Flagger phase '${canaryPhase}' is not part of a roll-out's start or end.` };
      const checksum = optionalText(body, "checksum");
      const version = optionalText(body, "metadata.version") ?? checksum ?? requiredText(body, "metadata.version");
      const deployId = `flagger:${namespace}/${name}:${checksum ?? version}`;
      return {
        events: [
          {
            service: optionalText(body, "metadata.service") ?? `${name}.${namespace}`,
            environment: optionalText(body, "metadata.environment") ?? "production",
            version,
            phase,
            timestamp: optionalEpochMs(body, "metadata.timestamp"),
            deploy_id: deployId,
            event_id: `${deployId}:${phase}`,
            tool: "flagger",
          },
        ],
      };
    },
  };
}
