import type { RollbackAction, Rule } from "../rules/rule-schema.ts";
import type { Statement, Store } from "../store/store.ts";
import type { FinalVerdictHook, ReleaseIdentity } from "../verdicts/verdict-types.ts";
import type { AuditLog } from "./audit-log.ts";
import { rollbackPayload, type RollbackTrigger } from "./rollback-payload.ts";

/** Release-wide decisions that set or hand back the gate; skips, marks and one batch's decisions do not. */
const IN_FORCE = "batch_index IS NULL AND action IN ('approve', 'hold', 'rollback', 'retry')";

export type RollbackRequestResult = "requested" | "already_requested" | "no_action";

/**
 * Writes the rollback outbox row (the release id is its key, so at most one rollback per release) and its audit
 * entry; callers run it inside the transaction of the verdict or decision that asks for it.
 */
export class RollbackRequests implements FinalVerdictHook {
  private readonly s: Record<"insert" | "one" | "previous" | "decision", Statement<unknown>>;

  constructor(
    store: Store,
    private readonly audit: AuditLog,
    private readonly publicUrl: string | undefined,
    private readonly onQueued: () => void = () => {},
  ) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      insert: p(`INSERT INTO rollbacks (release_id, rule_name, action, payload, status, attempts, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (release_id) DO NOTHING`),
      one: p(`SELECT status, created_at AS "createdAt" FROM rollbacks WHERE release_id = ?`),
      // The last release before this one that passed (or a person approved) and nobody rolled back or held.
      // "Before" by creation, then deploy time (releases created in one millisecond), then id: PostgreSQL has no
      // insertion order to compare (a ctid moves with every update).
      previous: p(`SELECT r.version FROM releases r
        LEFT JOIN release_decisions d ON d.id = (SELECT MAX(id) FROM release_decisions WHERE release_id = r.id AND ${IN_FORCE})
        WHERE r.service = ? AND r.environment = ? AND r.id <> ?
          AND (r.created_at, coalesce(r.deploy_started_at, 0), r.id) < (SELECT created_at, coalesce(deploy_started_at, 0), id FROM releases WHERE id = ?)
          AND (d.action = 'approve' OR (d.action IS NULL AND r.status IN ('pass', 'warn')))
          AND NOT EXISTS (SELECT 1 FROM release_decisions m WHERE m.release_id = r.id AND m.feedback = 'missed_regression')
        ORDER BY r.created_at DESC, coalesce(r.deploy_started_at, 0) DESC, r.id DESC LIMIT 1`),
      decision: p(`SELECT action FROM release_decisions WHERE release_id = ? AND ${IN_FORCE} ORDER BY id DESC LIMIT 1`),
    };
  }

  async existing(releaseId: string): Promise<{ status: string; createdAt: number } | undefined> {
    return (await this.s.one.get(releaseId)) as { status: string; createdAt: number } | undefined;
  }

  /** A final engine verdict: rolls back when the rule says so, unless a person has approved or is holding the release. */
  async onFinalVerdict(release: ReleaseIdentity, status: string, summary: string, rule: Rule, now: number): Promise<void> {
    const action = rule.actions.rollback;
    if (!action || !(action.on as readonly string[]).includes(status)) return;
    const decided = ((await this.s.decision.get(release.id)) as { action: string } | undefined)?.action;
    if (decided === "approve" || decided === "hold") return;
    await this.request(release, rule.name, action, { by: "verdict", actor: "deploy-guard", reason: null, status, summary }, now);
  }

  async request(release: ReleaseIdentity, ruleName: string, action: RollbackAction | undefined, trigger: RollbackTrigger, now: number): Promise<RollbackRequestResult> {
    if (!action) return "no_action";
    const createdAt = ((await this.s.one.get(release.id)) as { createdAt: number } | undefined)?.createdAt;
    if (createdAt !== undefined) return "already_requested";
    const previous = ((await this.s.previous.get(release.service, release.environment, release.id, release.id)) as { version: string } | undefined)?.version ?? null;
    const payload = rollbackPayload(release, previous, trigger, this.publicUrl, now);
    await this.s.insert.run(release.id, ruleName, JSON.stringify(action), JSON.stringify(payload), now, now);
    const target = describeTarget(action);
    const why = trigger.by === "verdict" ? `the final '${trigger.status}' verdict` : `a rollback decision by ${trigger.actor}`;
    await this.audit.record("rollback_requested", release, trigger.actor, `Rollback requested by ${why}; it will run ${target}.`,
      { rule: ruleName, target, requested_by: trigger.by, previous_version: previous }, now);
    queueMicrotask(this.onQueued);
    return "requested";
  }
}

/** A target as it may be shown: the webhook's host only (its path or query may carry a secret), or the program's name. */
export function describeTarget(action: RollbackAction): string {
  if (action.webhook) return `the webhook at ${new URL(action.webhook.url).host}`;
  return `the command '${action.command?.[0] ?? "?"}'`;
}
