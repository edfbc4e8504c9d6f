import type { ReleaseIdentity } from "../verdicts/verdict-types.ts";

/** What a rollback target is told: the JSON body of the webhook, and the command's environment. */
export interface RollbackPayload {
  type: "rollback";
  release_id: string;
  service: string;
  environment: string;
  version: string;
  previous_version: string | null;
  status: string;
  summary: string;
  release_url: string | null;
  requested_by: "verdict" | "decision";
  actor: string;
  reason: string | null;
  requested_at: string;
}

export interface RollbackTrigger {
  by: "verdict" | "decision";
  actor: string;
  reason: string | null;
  status: string;
  summary: string;
}

export function rollbackPayload(release: ReleaseIdentity, previous: string | null, trigger: RollbackTrigger, publicUrl: string | undefined, now: number): RollbackPayload {
  return {
    type: "rollback",
    release_id: release.id, service: release.service, environment: release.environment, version: release.version,
    previous_version: previous, status: trigger.status, summary: trigger.summary,
    release_url: publicUrl ? `${publicUrl.replace(/\/$/, "")}/releases/${release.id}` : null,
    requested_by: trigger.by, actor: trigger.actor, reason: trigger.reason, requested_at: new Date(now).toISOString(),
  };
}

/** The command's environment: the release's details only, never deploy-guard's own secrets. */
export function commandEnv(p: RollbackPayload, attempt: number, base: Record<string, string>): Record<string, string> {
  return {
    ...base,
    DEPLOY_GUARD_RELEASE_ID: p.release_id,
    DEPLOY_GUARD_SERVICE: p.service,
    DEPLOY_GUARD_ENVIRONMENT: p.environment,
    DEPLOY_GUARD_VERSION: p.version,
    DEPLOY_GUARD_PREVIOUS_VERSION: p.previous_version ?? "",
    DEPLOY_GUARD_STATUS: p.status,
    DEPLOY_GUARD_SUMMARY: p.summary,
    DEPLOY_GUARD_RELEASE_URL: p.release_url ?? "",
    DEPLOY_GUARD_REQUESTED_BY: p.requested_by,
    DEPLOY_GUARD_ROLLBACK_ATTEMPT: String(attempt),
  };
}
