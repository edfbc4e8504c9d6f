/**
 * Which services and environments a token may touch, as globs (`*` for any run of characters) compiled once into one
 * regular expression per list, so checking a record is one test, and a pair seen before is one map look-up.
 */
export interface TokenLimits {
  services: readonly string[] | null;
  environments: readonly string[] | null;
}

export const GLOB = /^[\w.:*-]{1,100}$/;
const MAX_REMEMBERED = 1000;

function compile(globs: readonly string[] | null): RegExp | null {
  if (globs === null) return null;
  const alternatives = globs.map((g) => g.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, "\\$&")).join(".*"));
  return new RegExp(`^(?:${alternatives.join("|")})$`);
}

export class TokenAccess {
  static readonly ANY = new TokenAccess({ services: null, environments: null });
  private readonly service: RegExp | null;
  private readonly environment: RegExp | null;
  private readonly seen = new Map<string, string | null>();

  constructor(readonly limits: TokenLimits) {
    this.service = compile(limits.services);
    this.environment = compile(limits.environments);
  }

  get limited(): boolean {
    return this.service !== null || this.environment !== null;
  }

  /** null when allowed; otherwise a sentence naming what is refused. */
  refusal(service: string, environment: string): string | null {
    if (!this.limited) return null;
    const key = `${service}\u0000${environment}`;
    const known = this.seen.get(key);
    if (known !== undefined) return known;
    const answer = this.check(service, environment);
    if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
    this.seen.set(key, answer);
    return answer;
  }

  private check(service: string, environment: string): string | null {
    if (this.service && !this.service.test(service)) {
      return `service '${service}' is outside this token's services (${this.limits.services!.join(", ")})`;
    }
    if (this.environment && !this.environment.test(environment)) {
      return `environment '${environment}' is outside this token's environments (${this.limits.environments!.join(", ")})`;
    }
    return null;
  }
}
