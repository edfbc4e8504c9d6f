import type { Config } from "../../config.ts";
import { DEPLOY_PHASES, type DeployPhase } from "../../store/schema/index.ts";
import type { TokenService } from "../../tokens/token-service.ts";
import type { DeployEventInput } from "../deploy-event.ts";
import type { InboundAdapter } from "./adapter.ts";
import { WEBHOOK_BODY_CAPS } from "./body-caps.ts";
import { requireIngestToken } from "./inbound-auth.ts";
import { field, missing, optionalText, optionalUrl, requiredText, requireObject } from "./payload-fields.ts";

/** Spinnaker's ExecutionStatus of the deploy stage, for a webhook stage that reports it instead of a fixed phase. */
const STAGE_STATUS: Record<string, DeployPhase> = {
  RUNNING: "started",
  SUCCEEDED: "finished",
  TERMINAL: "failed",
  FAILED_CONTINUE: "failed",
  STOPPED: "failed",
  CANCELED: "failed",
};

/**
 * A Spinnaker webhook stage posting the body documented in docs/integrations/spinnaker.md: Spinnaker has no deploy
 * event of its own to send, so the stage's payload is our template, filled in by Spinnaker's expressions.
 */
export function createSpinnakerAdapter(_config: Config, tokens: TokenService): InboundAdapter {
  return {
    tool: "spinnaker",
    maxBodyBytes: WEBHOOK_BODY_CAPS.spinnaker,
    authorize: async (req) => {
      await requireIngestToken(tokens, req, "Spinnaker", false);
      return undefined;
    },
    read(payload) {
      const body = requireObject(payload);
      const executionId = requiredText(body, "execution_id");
      const phase = phaseOf(body);
      if (!isPhase(phase)) return { ignored: phase };
      const service = optionalText(body, "service") ?? requiredText(body, "application");
      const environment = optionalText(body, "environment") ?? "production";
      // batch, hosts and timestamp keep the deploy-event shape; the route validates every event with DeployEventSchema.
      const batch = field(body, "batch") as DeployEventInput["batch"];
      const deployId = `spinnaker:${executionId}:${service}:${environment}`;
      return {
        events: [
          {
            service,
            environment,
            version: requiredText(body, "version"),
            phase,
            timestamp: field(body, "timestamp") as DeployEventInput["timestamp"],
            deploy_id: deployId,
            event_id: `${deployId}:${batch ? `batch-${String(batch.index)}:` : ""}${phase}`,
            batch,
            hosts: field(body, "hosts") as DeployEventInput["hosts"],
            commit: optionalText(body, "commit"),
            url: optionalUrl(body, "url"),
            tool: "spinnaker",
          },
        ],
      };
    },
  };
}

const isPhase = (value: string): value is DeployPhase => (DEPLOY_PHASES as readonly string[]).includes(value);

/** The phase, or a sentence saying why the stage status means nothing to the guard. */
function phaseOf(body: Record<string, unknown>): DeployPhase | string {
  const phase = optionalText(body, "phase");
  if (phase !== undefined) {
    if (!isPhase(phase)) throw missing("phase", `must be one of ${DEPLOY_PHASES.join(", ")}`);
    return phase;
  }
  const status = optionalText(body, "stage_status");
  if (status === undefined) throw missing("phase", "required (or stage_status)");
  return STAGE_STATUS[status] ?? `Spinnaker stage status '${status}' is neither a start nor an end.`;
}
