import type { Statement, Store } from "../store/store.ts";
import type { DecisionAction, DecisionChannel, DecisionFeedback, DecisionView, RollbackOutcome } from "./decision-overlay.ts";

export interface NewDecision {
  releaseId: string;
  action: DecisionAction;
  reason: string;
  actor: string;
  via: DecisionChannel;
  engineStatus: string;
  batch: number | null;
  signal: string | null;
  feedback: DecisionFeedback | null;
  at: number;
}

interface DecisionDbRow {
  action: DecisionAction;
  actor: string;
  reason: string;
  via: DecisionChannel;
  decidedAt: number;
  batch: number | null;
  signal: string | null;
  feedback: DecisionFeedback | null;
  ruleName: string | null;
  rollbackStatus: "pending" | "running" | "succeeded" | "failed" | "unknown" | null;
}

const COLUMNS = `d.action, d.actor, d.reason, d.via, d.decided_at AS "decidedAt", d.batch_index AS batch, d.signal, d.feedback,
  r.rule_name AS "ruleName", b.status AS "rollbackStatus"`;
const FROM = "FROM release_decisions d JOIN releases r ON r.id = d.release_id LEFT JOIN rollbacks b ON b.release_id = d.release_id";
/** No batch has this index, so "(batch_index IS NULL OR batch_index = ?)" with it selects release-wide decisions only. */
const RELEASE_WIDE = -1;

/** release_decisions, read with the release's rule and its rollback's state so a view never claims more than happened. */
export class DecisionStore {
  private readonly s: Record<"insert" | "inForce" | "all" | "skipped" | "marked" | "batches", Statement<unknown>>;

  constructor(store: Store) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      insert: p(`INSERT INTO release_decisions (release_id, action, reason, actor, via, engine_status, batch_index, signal, feedback, decided_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
      // retry hands the gate back to the engine, so it ends whatever approve, hold or rollback came before it.
      inForce: p(`SELECT ${COLUMNS} ${FROM} WHERE d.release_id = ? AND d.action IN ('approve', 'hold', 'rollback', 'retry')
        AND (d.batch_index IS NULL OR d.batch_index = ?) ORDER BY d.id DESC LIMIT 1`),
      all: p(`SELECT ${COLUMNS} ${FROM} WHERE d.release_id = ? ORDER BY d.id DESC`),
      skipped: p("SELECT 1 FROM release_decisions WHERE release_id = ? AND action = 'skip' AND signal = ? LIMIT 1"),
      marked: p("SELECT actor, decided_at AS at FROM release_decisions WHERE release_id = ? AND action = 'mark_wrong' AND feedback = ? LIMIT 1"),
      batches: p("SELECT batch_index AS i FROM deploy_batches WHERE deploy_id = ? ORDER BY batch_index"),
    };
  }

  async insert(d: NewDecision): Promise<number> {
    const row = (await this.s.insert.get(d.releaseId, d.action, d.reason, d.actor, d.via, d.engineStatus, d.batch, d.signal, d.feedback, d.at)) as { id: number };
    return Number(row.id);
  }

  /** The approve, hold or rollback in force for the release, or for one batch (a release-wide decision counts for every batch). */
  async inForce(releaseId: string, batch?: number): Promise<DecisionView | null> {
    const row = (await this.s.inForce.get(releaseId, batch ?? RELEASE_WIDE)) as DecisionDbRow | undefined;
    return row && row.action !== "retry" ? view(row) : null;
  }

  /** Newest first. */
  async all(releaseId: string): Promise<DecisionView[]> {
    return ((await this.s.all.all(releaseId)) as DecisionDbRow[]).map(view);
  }

  async hasSkipped(releaseId: string, signal: string): Promise<boolean> {
    return (await this.s.skipped.get(releaseId, signal)) !== undefined;
  }

  async mark(releaseId: string, feedback: DecisionFeedback): Promise<{ actor: string; at: number } | undefined> {
    return (await this.s.marked.get(releaseId, feedback)) as { actor: string; at: number } | undefined;
  }

  async batchesOf(deployId: string | null): Promise<number[]> {
    return deployId ? ((await this.s.batches.all(deployId)) as { i: number }[]).map((r) => r.i) : [];
  }
}

export function notConfigured(ruleName: string | null): RollbackOutcome {
  return { status: "not_configured", message: `No rollback is configured for rule '${ruleName ?? "?"}'; roll back by hand.` };
}

function rollbackOutcome(r: DecisionDbRow): RollbackOutcome | null {
  if (r.action !== "rollback") return null;
  switch (r.rollbackStatus) {
    case null:
      return notConfigured(r.ruleName);
    case "pending":
    case "running":
      return { status: "requested", message: `deploy-guard is running the rollback of rule '${r.ruleName ?? "?"}'.` };
    case "unknown":
      return { status: "failed", message: `deploy-guard stopped while the rollback ran, so it may or may not have run: check, then POST /api/v1/releases/{id}/rollback/resolution with "retry" or "done".` };
    case "succeeded":
      return { status: "done", message: "deploy-guard's rollback succeeded." };
    case "failed":
      return { status: "failed", message: "deploy-guard's rollback failed (see the audit log); roll back by hand." };
  }
}

function view(r: DecisionDbRow): DecisionView {
  return {
    action: r.action, actor: r.actor, reason: r.reason, at: new Date(r.decidedAt).toISOString(), via: r.via,
    batch: r.batch, signal: r.signal, feedback: r.feedback, rollback: rollbackOutcome(r),
  };
}
