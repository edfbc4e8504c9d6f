import type { Statement } from "better-sqlite3";
import { AppError } from "../http/app-error.ts";
import type { Db } from "../store/db.ts";
import { DECISION_ACTIONS, type ReleaseRow } from "../store/schema/index.ts";
import type { VerdictService } from "../verdicts/verdict-service.ts";
import type { AuditLog } from "./audit-log.ts";
import { DECIDED_STATUS, type DecisionAction, type DecisionChannel, type DecisionView } from "./decision-overlay.ts";
import type { RollbackRequests } from "./rollback-requests.ts";

export { DECISION_ACTIONS };
export type { DecisionAction, DecisionChannel, DecisionView };

export interface DecisionInput {
  releaseId: string;
  action: DecisionAction;
  reason: string;
  actor: string;
  via: DecisionChannel;
}

const DONE = { approve: "approved", rollback: "rolled back", hold: "put on hold" } as const satisfies Record<DecisionAction, string>;

interface DecisionDbRow {
  action: DecisionAction;
  actor: string;
  reason: string;
  via: DecisionChannel;
  decidedAt: number;
}

/**
 * Operators' decisions on a release. The latest decision is what the gate answers; later engine verdicts are still
 * recorded and shown as engine_status, but never override a person. A hold is lifted only by approve or rollback.
 */
export class DecisionService {
  private readonly s: Record<"insert" | "latest" | "all" | "deployStatus", Statement>;

  constructor(
    private readonly db: Db,
    private readonly verdicts: VerdictService,
    private readonly audit: AuditLog,
    private readonly rollbacks: RollbackRequests,
    private readonly now: () => number = Date.now,
  ) {
    const p = (sql: string) => db.$client.prepare(sql);
    const columns = "action, actor, reason, via, decided_at AS decidedAt";
    this.s = {
      insert: p("INSERT INTO release_decisions (release_id, action, reason, actor, via, engine_status, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      latest: p(`SELECT ${columns} FROM release_decisions WHERE release_id = ? ORDER BY id DESC LIMIT 1`),
      all: p(`SELECT ${columns} FROM release_decisions WHERE release_id = ? ORDER BY id DESC`),
      deployStatus: p("SELECT status FROM deploys WHERE id = ?"),
    };
  }

  /** Records a decision, its audit entry and (for rollback) the rollback request in one transaction. */
  decide(input: DecisionInput): DecisionView {
    return this.db.$client.transaction(() => {
      const release = this.verdicts.get(input.releaseId);
      const reason = input.reason.trim();
      if (!reason) throw new AppError("VALIDATION_FAILED", "reason: must not be empty", [{ path: "reason", message: "must not be empty" }]);
      if (reason.length > 1000) throw new AppError("VALIDATION_FAILED", "reason: at most 1000 characters", [{ path: "reason", message: "at most 1000 characters" }]);
      this.refuseSenseless(release, input.action);
      const now = this.now();
      this.s.insert.run(release.id, input.action, reason, input.actor, input.via, release.status, now);
      const rule = this.verdicts.ruleFor(release);
      let rollback = "";
      if (input.action === "rollback") {
        const trigger = { by: "decision" as const, actor: input.actor, reason, status: "fail", summary: `Rolled back by ${input.actor}: ${reason}` };
        const result = this.rollbacks.request(release, rule.name, rule.actions.rollback, trigger, now);
        rollback = result === "no_action" ? ` Rule '${rule.name}' has no rollback action, so the deploy tool must roll back.` : "";
      }
      this.audit.record("decision", release, input.actor, `${DONE[input.action]} by ${input.actor} via ${input.via}: "${reason}".${rollback}`, {
        action: input.action, reason, via: input.via, engine_status: release.status, gate_status: DECIDED_STATUS[input.action],
      }, now);
      return { action: input.action, actor: input.actor, reason, at: new Date(now).toISOString(), via: input.via };
    })();
  }

  /** Newest first. */
  list(releaseId: string): DecisionView[] {
    this.verdicts.get(releaseId);
    return (this.s.all.all(releaseId) as DecisionDbRow[]).map(view);
  }

  /** The decision in force, or null when the engine's verdict stands. */
  current(releaseId: string): DecisionView | null {
    const row = this.s.latest.get(releaseId) as DecisionDbRow | undefined;
    return row ? view(row) : null;
  }

  private refuseSenseless(release: ReleaseRow, action: DecisionAction): void {
    const current = this.current(release.id);
    const what = `${release.service} ${release.version} (${release.environment})`;
    if (current?.action === action) {
      throw new AppError("CONFLICT", `${what} was already ${DONE[action]} by ${current.actor} at ${current.at}.`);
    }
    const toolRolledBack = release.latestDeployId !== null && (this.s.deployStatus.get(release.latestDeployId) as { status: string } | undefined)?.status === "rolled_back";
    const rolledBack = current?.action === "rollback" ? `was rolled back by ${current.actor} at ${current.at}` : toolRolledBack ? "was rolled back by its deploy tool" : undefined;
    if (rolledBack && action === "approve") throw new AppError("CONFLICT", `${what} ${rolledBack}; a rolled-back release cannot be approved; deploy a fixed version instead.`);
    if (rolledBack && action === "hold") throw new AppError("CONFLICT", `${what} ${rolledBack}; there is nothing left to hold.`);
    if (rolledBack) throw new AppError("CONFLICT", `${what} ${rolledBack} already.`);
    const requested = this.rollbacks.existing(release.id);
    if (requested && action !== "rollback") {
      throw new AppError("CONFLICT", `A rollback of ${what} was requested at ${new Date(requested.createdAt).toISOString()} (it is ${requested.status}); it cannot be ${DONE[action]} any more.`);
    }
    if (requested) throw new AppError("CONFLICT", `A rollback of ${what} was already requested at ${new Date(requested.createdAt).toISOString()} by its fail verdict (it is ${requested.status}).`);
  }
}

function view(r: DecisionDbRow): DecisionView {
  return { action: r.action, actor: r.actor, reason: r.reason, at: new Date(r.decidedAt).toISOString(), via: r.via };
}
