import { AppError } from "../http/app-error.ts";
import type { Statement, Store } from "../store/store.ts";
import type { AuditLog } from "./audit-log.ts";
import type { RollbackPayload } from "./rollback-payload.ts";

export const ROLLBACK_RESOLUTIONS = ["retry", "done"] as const;
export type RollbackResolutionChoice = (typeof ROLLBACK_RESOLUTIONS)[number];

/**
 * A person's answer to a rollback of unknown fate: "done" (it ran, or was done by hand) closes it; "retry" queues one
 * more attempt. Only an 'unknown' rollback takes an answer, so nobody restarts one that is running or finished.
 */
export class RollbackResolution {
  private readonly s: Record<"one" | "retry" | "done", Statement<unknown>>;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly kick: () => void = () => {},
  ) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      one: p("SELECT status, payload FROM rollbacks WHERE release_id = ?"),
      retry: p("UPDATE rollbacks SET status = 'pending', next_attempt_at = ?, finished_at = NULL WHERE release_id = ? AND status = 'unknown'"),
      done: p("UPDATE rollbacks SET status = 'succeeded', finished_at = ?, last_error = NULL WHERE release_id = ? AND status = 'unknown'"),
    };
  }

  async resolve(releaseId: string, choice: RollbackResolutionChoice, actor: string, reason: string, now: number): Promise<{ status: "pending" | "succeeded" }> {
    const result = await this.store.write(async () => {
      const row = (await this.s.one.get(releaseId)) as { status: string; payload: string } | undefined;
      if (!row) throw new AppError("NOT_FOUND", `Release '${releaseId}' has no rollback.`);
      if (row.status !== "unknown") throw new AppError("CONFLICT", `The rollback of '${releaseId}' is '${row.status}'; only a rollback of unknown fate takes a resolution.`);
      const p = JSON.parse(row.payload) as RollbackPayload;
      const release = { id: p.release_id, service: p.service, environment: p.environment, version: p.version };
      if (choice === "retry") await this.s.retry.run(now, releaseId);
      else await this.s.done.run(now, releaseId);
      const said = choice === "retry" ? "asked for the rollback to be tried again" : "marked the rollback done";
      await this.audit.record("rollback_resolved", release, actor, `${actor} ${said}: ${reason}`, { resolution: choice, reason }, now);
      return { status: choice === "retry" ? ("pending" as const) : ("succeeded" as const) };
    });
    if (choice === "retry") queueMicrotask(this.kick);
    return result;
  }
}
