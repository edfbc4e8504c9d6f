import { PROMQL_PLACEHOLDERS } from "../../sources/prometheus/query-schema.ts";

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * The metric's PromQL with Argo's `{{args.x}}` filled from --set, else from the template's own default value. An arg
 * from a Secret or a field (valueFrom), or with no value, becomes a visible UNSET(args.x) to replace: it never
 * reaches the rule, and a secret's value is never read.
 */
export interface ArgoArg {
  name: string;
  value?: string | number | boolean | undefined;
  valueFrom?: unknown;
}

export function prometheusQuery(provider: unknown, declared: readonly ArgoArg[], set: Record<string, string>, note: (s: string) => void): string | undefined {
  const query = (provider as { query?: unknown } | null)?.query;
  if (typeof query !== "string" || query.trim() === "") return undefined;
  const args = new Map(declared.map((a) => [a.name, a]));
  return query.trim().replace(PLACEHOLDER, (whole, inner: string) => {
    if ((PROMQL_PLACEHOLDERS as readonly string[]).includes(inner)) return whole;
    const argName = /^args\.(.+)$/.exec(inner)?.[1];
    if (argName === undefined) {
      note(`${whole} is not an Argo argument this importer knows: written as UNSET(${inner}); edit the query`);
      return `UNSET(${inner})`;
    }
    if (set[argName] !== undefined) return set[argName];
    const arg = args.get(argName);
    if (arg?.value !== undefined && arg.valueFrom === undefined) return String(arg.value);
    const why = arg === undefined ? "is not declared in spec.args" : arg.valueFrom !== undefined ? "comes from a Secret or a field (valueFrom), not copied" : "has no default value (the Rollout passes it)";
    note(`argument ${argName} ${why}: written as UNSET(args.${argName}); give --set ${argName}=VALUE (deploy-guard's {{service}} works) or edit the query`);
    return `UNSET(args.${argName})`;
  });
}

/** Names of the settings the provider holds, never their values: headers and authentication carry secrets. */
export function providerNotes(provider: unknown, warn: (s: string) => void): void {
  const p = (provider ?? {}) as Record<string, unknown>;
  if (typeof p.address === "string") {
    // Credentials in a URL are left out of the message.
    warn(`the Prometheus address ${p.address.trim().replace(/\/\/[^/@\s]*@/, "//")} is not part of a rule: set DEPLOY_GUARD_PROMETHEUS_URL (docs/integrations/prometheus.md)`);
  }
  if (p.timeout !== undefined) warn(`provider timeout ${String(p.timeout)} s is not carried: DEPLOY_GUARD_PROMETHEUS_TIMEOUT_MS applies`);
  if (Array.isArray(p.headers)) {
    const keys = p.headers.map((h) => String((h as { key?: unknown })?.key ?? "?")).join(", ");
    warn(`provider headers (${keys}) are not carried: a rule sends none; put Prometheus behind a URL that needs none, or use DEPLOY_GUARD_PROMETHEUS_TOKEN`);
  }
  if (p.authentication && typeof p.authentication === "object") {
    warn(`provider authentication (${Object.keys(p.authentication).join(", ")}) is not carried: deploy-guard authenticates with DEPLOY_GUARD_PROMETHEUS_TOKEN or USERNAME/PASSWORD`);
  }
  if (p.insecure !== undefined) warn("provider insecure (TLS verification off) is not carried");
  if (p.rangeQuery !== undefined) warn("provider rangeQuery is not carried: the rule reads its analysis window one value a minute");
  const known = new Set(["address", "query", "timeout", "headers", "authentication", "insecure", "rangeQuery"]);
  for (const key of Object.keys(p)) if (!known.has(key)) warn(`provider.prometheus.${key} is not carried`);
}
