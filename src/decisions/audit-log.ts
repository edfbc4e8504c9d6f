import type { AUDIT_KINDS } from "../store/schema/index.ts";
import type { Statement, Store } from "../store/store.ts";

export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditRelease {
  id: string;
  service: string;
  environment: string;
  version: string;
}

export interface AuditView {
  id: number;
  at: string;
  kind: AuditKind;
  release_id: string;
  service: string;
  environment: string;
  version: string;
  actor: string;
  message: string;
  data: Record<string, unknown>;
}

interface AuditDbRow {
  id: number;
  at: number;
  kind: AuditKind;
  release_id: string;
  service: string;
  environment: string;
  version: string;
  actor: string;
  message: string;
  data: string;
}

const COLUMNS = "id, at, kind, release_id, service, environment, version, actor, message, data";

/** The append-only audit log; record() runs inside the caller's transaction, so an action and its entry stand or fall together. */
export class AuditLog {
  private readonly s: Record<"insert" | "ofRelease" | "all" | "ofService", Statement<unknown>>;

  constructor(store: Store, private readonly now: () => number = Date.now) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      insert: p("INSERT INTO audit_events (at, kind, release_id, service, environment, version, actor, message, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      ofRelease: p(`SELECT ${COLUMNS} FROM audit_events WHERE release_id = ? ORDER BY id DESC LIMIT ?`),
      all: p(`SELECT ${COLUMNS} FROM audit_events WHERE at >= ? ORDER BY id DESC LIMIT ?`),
      ofService: p(`SELECT ${COLUMNS} FROM audit_events WHERE service = ? AND at >= ? ORDER BY id DESC LIMIT ?`),
    };
  }

  async record(kind: AuditKind, release: AuditRelease, actor: string, message: string, data: Record<string, unknown> = {}, at = this.now()): Promise<void> {
    await this.s.insert.run(at, kind, release.id, release.service, release.environment, release.version, actor, message, JSON.stringify(data));
  }

  /** Newest first. */
  async ofRelease(releaseId: string, limit = 500): Promise<AuditView[]> {
    return ((await this.s.ofRelease.all(releaseId, limit)) as AuditDbRow[]).map(view);
  }

  /** Newest first, optionally one service's, from `since` (epoch ms) on. */
  async query(filter: { service?: string | undefined; since?: number | undefined; limit: number }): Promise<AuditView[]> {
    const since = filter.since ?? 0;
    const rows = filter.service ? await this.s.ofService.all(filter.service, since, filter.limit) : await this.s.all.all(since, filter.limit);
    return (rows as AuditDbRow[]).map(view);
  }
}

function view(r: AuditDbRow): AuditView {
  return { ...r, at: new Date(r.at).toISOString(), data: JSON.parse(r.data) as Record<string, unknown> };
}
