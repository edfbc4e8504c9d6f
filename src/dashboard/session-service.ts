import { createHash, randomBytes } from "node:crypto";
import { eq, lt, or } from "drizzle-orm";
import type { Db } from "../store/db.ts";
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
export type TokenById = (id: string) => TokenIdentity | null;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Server-side dashboard sessions: the cookie names one, the token it was opened with decides what it may do. */
export class SessionService {
  private readonly envKey: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly tokenById: TokenById,
    envAdminToken: string | undefined,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    // Sessions opened with the environment's admin token die when that token is changed.
    this.envKey = envAdminToken ? `env:${sha256(envAdminToken).slice(0, 16)}` : undefined;
  }

  open(identity: TokenIdentity): OpenedSession {
    const now = this.now();
    this.prune(now);
    const id = randomBytes(32).toString("base64url");
    const tokenId = identity.id === "env" && this.envKey ? this.envKey : identity.id;
    this.db.insert(dashboardSessions).values({ idHash: sha256(id), tokenId, createdAt: now, lastSeenAt: now, expiresAt: now + this.limits.maxAgeMs }).run();
    return { id, maxAgeSeconds: Math.floor(this.limits.maxAgeMs / 1000) };
  }

  /** The identity behind a live session, or null when it is unknown, expired, idle too long, or its token is gone. */
  resolve(id: string): TokenIdentity | null {
    if (!/^[\w-]{20,100}$/.test(id)) return null;
    const idHash = sha256(id);
    const row = this.db.select().from(dashboardSessions).where(eq(dashboardSessions.idHash, idHash)).get();
    if (!row) return null;
    const now = this.now();
    if (now >= row.expiresAt || now - row.lastSeenAt >= this.limits.idleMs) {
      this.db.delete(dashboardSessions).where(eq(dashboardSessions.idHash, idHash)).run();
      return null;
    }
    const identity = this.tokenIdentity(row.tokenId);
    if (!identity) return null;
    if (now - row.lastSeenAt >= TOUCH_EVERY_MS) {
      this.db.update(dashboardSessions).set({ lastSeenAt: now }).where(eq(dashboardSessions.idHash, idHash)).run();
    }
    return identity;
  }

  revoke(id: string): void {
    this.db.delete(dashboardSessions).where(eq(dashboardSessions.idHash, sha256(id))).run();
  }

  /** Ends every session opened with a token; for when the token is revoked. Returns how many ended. */
  revokeForToken(tokenId: string): number {
    return this.db.delete(dashboardSessions).where(eq(dashboardSessions.tokenId, tokenId)).run().changes;
  }

  private prune(now: number): void {
    this.db.delete(dashboardSessions)
      .where(or(lt(dashboardSessions.expiresAt, now), lt(dashboardSessions.lastSeenAt, now - this.limits.idleMs))).run();
  }

  /** Asked on every request, so a revoked token's sessions stop at the very next page. */
  private tokenIdentity(tokenId: string): TokenIdentity | null {
    if (tokenId.startsWith("env:")) return tokenId === this.envKey ? this.tokenById("env") : null;
    return this.tokenById(tokenId);
  }
}
