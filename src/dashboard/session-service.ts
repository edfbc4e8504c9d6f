import { createHash, randomBytes } from "node:crypto";
import { eq, lt, or } from "drizzle-orm";
import { first, type Statement, type Store } from "../store/store.ts";
import { dashboardSessions } from "../store/schema/index.ts";
import type { TokenIdentity } from "../tokens/token-service.ts";

export interface SessionLimits {
  /** A session ends this long after sign-in, however busy. */
  maxAgeMs: number;
  /** A session ends after this long without a request. */
  idleMs: number;
}

export interface OpenedSession {
  /** The cookie value: random, shown to the browser only. */
  id: string;
  maxAgeSeconds: number;
}

/** Writing last-seen on every page view would turn reads into writes; a minute is far below any idle timeout. */
const TOUCH_EVERY_MS = 60_000;

/** A stored token's identity by its id, read fresh (no cache), or null once it is revoked or deleted. */
export type TokenById = (id: string) => Promise<TokenIdentity | null>;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Server-side dashboard sessions: the cookie names one, the token it was opened with decides what it may do. */
export class SessionService {
  private readonly envKey: string | undefined;
  private readonly deleteForToken: Statement<unknown>;

  constructor(
    private readonly store: Store,
    private readonly tokenById: TokenById,
    envAdminToken: string | undefined,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    // Sessions opened with the environment's admin token die when that token is changed.
    this.envKey = envAdminToken ? `env:${sha256(envAdminToken).slice(0, 16)}` : undefined;
    // Raw, because the number of sessions ended is wanted and a drizzle delete's result differs per database.
    this.deleteForToken = store.statement("DELETE FROM dashboard_sessions WHERE token_id = ?");
  }

  async open(identity: TokenIdentity): Promise<OpenedSession> {
    const now = this.now();
    await this.prune(now);
    const id = randomBytes(32).toString("base64url");
    const tokenId = identity.id === "env" && this.envKey ? this.envKey : identity.id;
    await this.store.db.insert(dashboardSessions).values({ idHash: sha256(id), tokenId, createdAt: now, lastSeenAt: now, expiresAt: now + this.limits.maxAgeMs });
    return { id, maxAgeSeconds: Math.floor(this.limits.maxAgeMs / 1000) };
  }

  /** The identity behind a live session, or null when it is unknown, expired, idle too long, or its token is gone. */
  async resolve(id: string): Promise<TokenIdentity | null> {
    if (!/^[\w-]{20,100}$/.test(id)) return null;
    const idHash = sha256(id);
    const row = await first(this.store.db.select().from(dashboardSessions).where(eq(dashboardSessions.idHash, idHash)).limit(1));
    if (!row) return null;
    const now = this.now();
    if (now >= row.expiresAt || now - row.lastSeenAt >= this.limits.idleMs) {
      await this.store.db.delete(dashboardSessions).where(eq(dashboardSessions.idHash, idHash));
      return null;
    }
    const identity = await this.tokenIdentity(row.tokenId);
    if (!identity) return null;
    if (now - row.lastSeenAt >= TOUCH_EVERY_MS) {
      await this.store.db.update(dashboardSessions).set({ lastSeenAt: now }).where(eq(dashboardSessions.idHash, idHash));
    }
    return identity;
  }

  async revoke(id: string): Promise<void> {
    await this.store.db.delete(dashboardSessions).where(eq(dashboardSessions.idHash, sha256(id)));
  }

  /** Ends every session opened with a token; for when the token is revoked. Returns how many ended. */
  revokeForToken(tokenId: string): Promise<number> {
    return this.deleteForToken.run(tokenId);
  }

  private async prune(now: number): Promise<void> {
    await this.store.db.delete(dashboardSessions)
      .where(or(lt(dashboardSessions.expiresAt, now), lt(dashboardSessions.lastSeenAt, now - this.limits.idleMs)));
  }

  /** Asked on every request, so a revoked token's sessions stop at the very next page. */
  private async tokenIdentity(tokenId: string): Promise<TokenIdentity | null> {
    if (tokenId.startsWith("env:")) return tokenId === this.envKey ? this.tokenById("env") : null;
    return this.tokenById(tokenId);
  }
}
