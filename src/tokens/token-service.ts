import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../store/db.ts";
import { apiTokens, type TokenScope } from "../store/schema/index.ts";

export type { TokenScope };

/** Which scopes each scope includes: admin can do everything, operator can also read, ingest can only write telemetry and deploys. */
const GRANTS: Record<TokenScope, readonly TokenScope[]> = {
  admin: ["admin", "operator", "ingest", "read"],
  operator: ["operator", "read"],
  ingest: ["ingest"],
  read: ["read"],
};

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newToken(): string {
  return `dg_${randomBytes(24).toString("base64url")}`;
}

/** Who presented a token: its scope and, for the audit log, its name and id. */
export interface TokenIdentity {
  scope: TokenScope;
  id: string;
  name: string;
}

const ENV_ADMIN: TokenIdentity = { scope: "admin", id: "env", name: "admin (DEPLOY_GUARD_API_TOKEN)" };

export class TokenService {
  private readonly envAdminHash: Buffer | undefined;
  private readonly cache = new Map<string, TokenIdentity>();

  constructor(
    private readonly db: Db,
    envAdminToken: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.envAdminHash = envAdminToken ? Buffer.from(hashToken(envAdminToken), "hex") : undefined;
  }

  /** On first start without DEPLOY_GUARD_API_TOKEN, creates an admin token and returns it (the caller prints it once). */
  bootstrapAdmin(): string | undefined {
    if (this.envAdminHash) return undefined;
    const existing = this.db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.scope, "admin")).get();
    if (existing) return undefined;
    return this.create("bootstrap admin", "admin").token;
  }

  create(name: string, scope: TokenScope): { id: string; token: string } {
    const token = newToken();
    const id = randomUUID();
    this.db.insert(apiTokens).values({ id, name, scope, tokenHash: hashToken(token), createdAt: this.now() }).run();
    return { id, token };
  }

  /** The scope a presented token has, or null when it is unknown. */
  scopeOf(token: string): TokenScope | null {
    return this.identify(token)?.scope ?? null;
  }

  /** The scope, name and id of a presented token, or null when it is unknown. */
  identify(token: string): TokenIdentity | null {
    const hash = hashToken(token);
    if (this.envAdminHash && timingSafeEqual(Buffer.from(hash, "hex"), this.envAdminHash)) return ENV_ADMIN;
    const cached = this.cache.get(hash);
    if (cached !== undefined) return cached;
    const row = this.db.select({ scope: apiTokens.scope, id: apiTokens.id, name: apiTokens.name }).from(apiTokens).where(eq(apiTokens.tokenHash, hash)).get();
    if (row) this.cache.set(hash, row);
    return row ?? null;
  }

  static allows(have: TokenScope, need: TokenScope): boolean {
    return GRANTS[have].includes(need);
  }
}
