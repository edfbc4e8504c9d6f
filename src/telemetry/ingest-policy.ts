import { AppError, type FieldError } from "../http/app-error.ts";
import { requireAccess } from "../http/auth.ts";
import { TokenService, type TokenIdentity } from "../tokens/token-service.ts";

const MINUTE = 60_000;
const MAX_ERRORS = 100;

/** Records of one batch that landed in a minute already past its grace: who wrote them is kept with the roll-ups. */
export interface LateMinute {
  service: string;
  environment: string;
  minute: number;
  tokenId: string;
  tokenName: string;
  records: number;
}

export interface IngestLimits {
  graceMs: number;
  retentionMs: number;
  aheadMs: number;
  /** Shippers batch and retry: minutes late up to this are taken from any ingest token (and shown as late data). */
  maxDelayMs: number;
}

interface Dated {
  ts: number;
  service: string;
  environment: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (ms: number) => `${Math.round(ms / MINUTE)} minute${Math.round(ms / MINUTE) === 1 ? "" : "s"}`;

/**
 * Who may write which minutes: never beyond the retention or ahead of the clock (422), more than the maximum delay into
 * the past only with the backfill scope (403), and only for the token's services (403). Records in minutes already past
 * the grace are late data, remembered with their token for the verdict. O(1) a record, so ingest keeps its pace.
 */
export class IngestPolicy {
  constructor(
    private readonly limits: IngestLimits,
    private readonly now: () => number = Date.now,
  ) {}

  static fromConfig(config: { ingestGraceSeconds: number; retentionDays: number; ingestMaxAheadSeconds: number; ingestMaxDelaySeconds: number }, now: () => number): IngestPolicy {
    return new IngestPolicy({ graceMs: config.ingestGraceSeconds * 1000, retentionMs: config.retentionDays * 86_400_000, aheadMs: config.ingestMaxAheadSeconds * 1000, maxDelayMs: config.ingestMaxDelaySeconds * 1000 }, now);
  }

  /** Checks every record of a batch before any is stored; returns the late minutes to store with it. */
  check(records: readonly Dated[], who: TokenIdentity | undefined, where: (i: number) => string, what: string): LateMinute[] {
    const now = this.now();
    const bounds: FieldError[] = [];
    let needsBackfill: FieldError | undefined;
    const late = new Map<string, LateMinute>();
    const canBackfill = who === undefined || TokenService.allows(who.scope, "backfill");
    records.forEach((r, i) => {
      requireAccess(who, r.service, r.environment, where(i));
      const problem = this.outOfBounds(r.ts, now);
      if (problem) {
        if (bounds.length < MAX_ERRORS) bounds.push({ path: `${where(i)}.timestamp`, message: problem });
        return;
      }
      // A minute closes a grace after it ends: the roll-ups of a closed minute may already have been judged.
      const minute = Math.floor(r.ts / MINUTE) * MINUTE;
      if (minute + MINUTE + this.limits.graceMs >= now) return;
      if (!canBackfill && minute + MINUTE + this.limits.maxDelayMs < now) {
        needsBackfill ??= { path: `${where(i)}.timestamp`, message: `${iso(r.ts)} is in a minute that ended ${minutes(now - minute - MINUTE)} ago (an ingest token may be up to ${minutes(this.limits.maxDelayMs)} late)` };
        return;
      }
      const key = `${r.service}\u0000${r.environment}\u0000${minute}`;
      const m = late.get(key);
      if (m) m.records++;
      else late.set(key, { service: r.service, environment: r.environment, minute, tokenId: who?.id ?? "internal", tokenName: who?.name ?? "internal", records: 1 });
    });
    if (bounds.length > 0) {
      const first = bounds[0]!;
      throw new AppError("VALIDATION_FAILED", `Nothing of the ${records.length} ${what} was stored: ${first.path} ${first.message}.`, bounds);
    }
    if (needsBackfill) {
      throw new AppError("FORBIDDEN", `Nothing of the ${records.length} ${what} was stored: ${needsBackfill.path} ${needsBackfill.message}; writing history needs a token with the 'backfill' scope.`, [needsBackfill]);
    }
    return [...late.values()];
  }

  /**
   * One deploy event: the same bounds, and a date more than the maximum delay back needs the backfill scope (past-dated
   * deploys move baselines; tools report a finished deploy a little after it happened, so the delay, not the grace).
   */
  checkDeploy(ts: number, service: string, environment: string, who: TokenIdentity | undefined): void {
    requireAccess(who, service, environment);
    const now = this.now();
    const problem = this.outOfBounds(ts, now);
    if (problem) throw new AppError("VALIDATION_FAILED", `The deploy event was not stored: timestamp ${problem}.`, [{ path: "timestamp", message: problem }]);
    if (ts >= now - this.limits.maxDelayMs || who === undefined || TokenService.allows(who.scope, "backfill")) return;
    const message = `${iso(ts)} is ${minutes(now - ts)} old; an ingest token may report a deploy up to ${minutes(this.limits.maxDelayMs)} late`;
    throw new AppError("FORBIDDEN", `The deploy event was not stored: timestamp ${message}; recording past deploys needs a token with the 'backfill' scope.`, [{ path: "timestamp", message }]);
  }

  /** Why `ts` may never be stored (beyond the retention, too far ahead), or undefined. OTLP refuses such records one by one. */
  outOfBounds(ts: number, now: number): string | undefined {
    if (ts > now + this.limits.aheadMs) return `${iso(ts)} is more than ${minutes(this.limits.aheadMs)} ahead of the server's clock (${iso(now)})`;
    if (ts < now - this.limits.retentionMs) return `${iso(ts)} is older than the ${this.limits.retentionMs / 86_400_000}-day retention`;
    return undefined;
  }
}
