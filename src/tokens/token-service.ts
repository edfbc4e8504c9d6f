import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { first, type Statement, type Store } from "../store/store.ts";
import { apiTokens, type TokenScope } from "../store/schema/index.ts";
import { TokenAccess, type TokenLimits } from "./token-access.ts";

export type { TokenScope };

/** Which scopes each scope includes: admin can do everything; backfill is ingest that may also write past minutes. */
const GRANTS: Record<TokenScope, readonly TokenScope[]> = {
  admin: ["admin", "operator", "ingest", "backfill", "read"],
  operator: ["operator", "read"],
  backfill: ["backfill", "ingest"],
  ingest: ["ingest"],
  read: ["read"],
};

const LAST_USED_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newToken(): string {
  return `dg_${randomBytes(24).toString("base64url")}`;
}

/** Who presented a token: its scope, the services it may touch and, for the audit log, its name and id. */
export interface TokenIdentity {
  scope: TokenScope;
  id: string;
  name: string;
  access: TokenAccess;
}

/** A token as listed: never its secret. */
export interface TokenView {
  id: string;
  name: string;
  scope: TokenScope;
  services: string[] | null;
  environments: string[] | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const ENV_ADMIN: TokenIdentity = { scope: "admin", id: "env", name: "admin (DEPLOY_GUARD_API_TOKEN)", access: TokenAccess.ANY };

interface TokenRow { id: string; name: string; scope: TokenScope; services: string | null; environments: string | null }

/**
 * Every presented token is looked up in the database (one indexed read), never in a cache, so a revoked or deleted
 * token is refused from the very next request; only the compiled globs are kept, keyed by their text.
 */
export class TokenService {
  private readonly envAdminHash: Buffer | undefined;
  private readonly byHash: Statement<TokenRow>;
  private readonly byId: Statement<TokenRow>;
  private readonly touch: Statement<unknown>;
  private readonly release: Statement<{ service: string; environment: string }>;
  private readonly compiled = new Map<string, TokenAccess>();
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    envAdminToken: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.envAdminHash = envAdminToken ? Buffer.from(hashToken(envAdminToken), "hex") : undefined;
    this.byHash = store.statement<TokenRow>("SELECT id, name, scope, services, environments FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL");
    this.byId = store.statement<TokenRow>("SELECT id, name, scope, services, environments FROM api_tokens WHERE id = ? AND revoked_at IS NULL");
    this.touch = store.statement<never>("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    this.release = store.statement<{ service: string; environment: string }>("SELECT service, environment FROM releases WHERE id = ?");
  }

  /** On first start without DEPLOY_GUARD_API_TOKEN, creates an admin token and returns it (the caller prints it once). */
  async bootstrapAdmin(): Promise<string | undefined> {
    if (this.envAdminHash) return undefined;
    const existing = await first(this.store.db.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.scope, "admin"), isNull(apiTokens.revokedAt))).limit(1));
    if (existing) return undefined;
    return (await this.create("bootstrap admin", "admin")).token;
  }

  async create(name: string, scope: TokenScope, limits: Partial<TokenLimits> = {}): Promise<{ id: string; token: string }> {
    const token = newToken();
    const id = randomUUID();
    await this.store.db.insert(apiTokens).values({
      id, name, scope, tokenHash: hashToken(token), createdAt: this.now(), services: limits.services ? [...limits.services] : null, environments: limits.environments ? [...limits.environments] : null,
    });
    return { id, token };
  }

  async list(): Promise<TokenView[]> {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return (await this.store.db.select().from(apiTokens).orderBy(apiTokens.createdAt)).map((t) => ({
      id: t.id, name: t.name, scope: t.scope, services: t.services ?? null, environments: t.environments ?? null,
      created_at: new Date(t.createdAt).toISOString(), last_used_at: iso(t.lastUsedAt), revoked_at: iso(t.revokedAt),
    }));
  }

  /** Revokes at once; false when there is no such token. Revoking twice keeps the first time. */
  async revoke(id: string): Promise<boolean> {
    const row = await first(this.store.db.select({ revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, id)).limit(1));
    if (!row) return false;
    if (row.revokedAt === null) await this.store.db.update(apiTokens).set({ revokedAt: this.now() }).where(eq(apiTokens.id, id));
    return true;
  }

  /** The scope a presented token has, or null when it is unknown. */
  async scopeOf(token: string): Promise<TokenScope | null> {
    return (await this.identify(token))?.scope ?? null;
  }

  /** The identity of a presented token, or null when it is unknown or revoked. */
  async identify(token: string): Promise<TokenIdentity | null> {
    const hash = hashToken(token);
    if (this.envAdminHash && timingSafeEqual(Buffer.from(hash, "hex"), this.envAdminHash)) return ENV_ADMIN;
    return this.identityOf(await this.byHash.get(hash));
  }

  /** The identity of a stored token by its id (a dashboard session keeps the id), or null once it is revoked. */
  async identifyById(id: string): Promise<TokenIdentity | null> {
    if (id === ENV_ADMIN.id) return this.envAdminHash ? ENV_ADMIN : null;
    return this.identityOf(await this.byId.get(id));
  }

  private async identityOf(row: TokenRow | undefined): Promise<TokenIdentity | null> {
    if (!row) return null;
    await this.noteUse(row.id);
    return { id: row.id, name: row.name, scope: row.scope, access: this.accessOf(row.services, row.environments) };
  }

  /** The service and environment of a release, for checking a limited token's request on it. */
  releaseTarget(id: string): Promise<{ service: string; environment: string } | undefined> {
    return this.release.get(id);
  }

  static allows(have: TokenScope, need: TokenScope): boolean {
    return GRANTS[have].includes(need);
  }

  private accessOf(services: string | null, environments: string | null): TokenAccess {
    if (services === null && environments === null) return TokenAccess.ANY;
    const key = `${services}\u0000${environments}`;
    let access = this.compiled.get(key);
    if (!access) {
      access = new TokenAccess({ services: services === null ? null : (JSON.parse(services) as string[]), environments: environments === null ? null : (JSON.parse(environments) as string[]) });
      this.compiled.set(key, access);
    }
    return access;
  }

  /** At most one write a minute per token, so a busy ingest token does not turn every request into a write. */
  private async noteUse(id: string): Promise<void> {
    const now = this.now();
    if (now - (this.lastTouched.get(id) ?? -Infinity) < LAST_USED_EVERY_MS) return;
    this.lastTouched.set(id, now);
    await this.touch.run(now, id);
  }
}
