import type { Config } from "../../config.ts";
import type { DeployPhase } from "../../store/schema/index.ts";
import type { TokenService } from "../../tokens/token-service.ts";
import type { InboundAdapter } from "./adapter.ts";
import { WEBHOOK_BODY_CAPS } from "./body-caps.ts";
import { requireIngestToken } from "./inbound-auth.ts";
import { field, optionalEpochMs, optionalText, optionalUrl, requiredText, requireObject } from "./payload-fields.ts";

/** How a finished build's status reads as a deploy's end; UNSTABLE means tests failed after the deploy went out. */
const END_STATUS: Record<string, DeployPhase> = { SUCCESS: "finished", UNSTABLE: "finished", FAILURE: "failed", ABORTED: "failed" };

/** The Jenkins Notification plugin's JSON (one message per phase: QUEUED, STARTED, COMPLETED, FINALIZED). */
export function createJenkinsAdapter(_config: Config, tokens: TokenService): InboundAdapter {
  return {
    tool: "jenkins",
    maxBodyBytes: WEBHOOK_BODY_CAPS.jenkins,
    authorize: async (req) => {
      await requireIngestToken(tokens, req, "Jenkins", true);
      return undefined;
    },
    read(payload) {
      const body = requireObject(payload);
      const name = requiredText(body, "name");
      const number = requiredText(body, "build.number");
      const buildPhase = requiredText(body, "build.phase");
      let phase: DeployPhase;
      if (buildPhase === "STARTED") {
        phase = "started";
      } else if (buildPhase === "COMPLETED" || buildPhase === "FINALIZED") {
        const status = requiredText(body, "build.status");
        const end = END_STATUS[status];
        if (!end) return { ignored: `Jenkins build status '${status}' is neither a deploy that went out nor one that failed.` };
        phase = end;
      } else {
        return { ignored: `Jenkins phase '${buildPhase}' is not a start or an end.` };
      }
      const param = (key: string) => parameter(body, key);
      const commit = optionalText(body, "build.scm.commit");
      const deployId = `jenkins:${optionalText(body, "build.url") ?? `job/${name}/${number}/`}`;
      return {
        events: [
          {
            service: param("service") ?? name,
            environment: param("environment") ?? param("env") ?? "production",
            version: param("version") ?? commit ?? `build-${number}`,
            phase,
            timestamp: timestampOf(body, phase),
            deploy_id: deployId,
            // COMPLETED and FINALIZED both end the build: whichever arrives first counts.
            event_id: `${deployId}:${phase === "started" ? "started" : "ended"}`,
            commit,
            url: optionalUrl(body, "build.full_url"),
            tool: "jenkins",
          },
        ],
      };
    },
  };
}

/** A build parameter by name, any case (VERSION, version), when the plugin was told to send parameters. */
function parameter(body: Record<string, unknown>, key: string): string | undefined {
  const params = field(body, "build.parameters");
  if (params === null || typeof params !== "object" || Array.isArray(params)) return undefined;
  const found = Object.keys(params).find((k) => k.toLowerCase() === key);
  return found === undefined ? undefined : optionalText(params, found);
}

/** build.timestamp is when the build started; an end is that plus build.duration, when the plugin sends it. */
function timestampOf(body: Record<string, unknown>, phase: DeployPhase): number | undefined {
  const started = optionalEpochMs(body, "build.timestamp");
  if (phase === "started") return started;
  const duration = optionalEpochMs(body, "build.duration");
  return started !== undefined && duration !== undefined && duration > 0 ? started + duration : undefined;
}
