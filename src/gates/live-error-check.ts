import { binomialTest } from "../analysis/binomial-test.ts";
import type { Rule, SignalRule } from "../rules/rule-schema.ts";
import type { RequestWindow, WindowReader } from "../telemetry/window-reader.ts";
import type { PreDeployCheck } from "./pre-deploy-result.ts";

const MINUTE = 60_000;
const percent = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)} %`;
const routeLike = (glob: string | undefined) => (glob === undefined ? undefined : glob.replaceAll("%", "\\%").replaceAll("*", "%"));

/**
 * The service's error rate over the last minutes against each error-rate signal's `limit`. It holds only when the
 * rate is above the limit with the rule's confidence (exact one-sided binomial test), and judges nothing on fewer
 * requests than the signal's `min_samples`, so a quiet service is never held on a few unlucky requests.
 */
export async function liveErrorChecks(reader: WindowReader, rule: Rule, service: string, environment: string, minutes: number, now: number): Promise<PreDeployCheck[]> {
  const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  const start = end - minutes * MINUTE;
  const window = { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  const signals = rule.signals.filter((s): s is SignalRule & { limit: number } => s.kind === "error_rate" && s.limit !== undefined);
  if (signals.length === 0) {
    return [{ check: "live_error_rate", signal: null, status: "not_judged", release_id: null, stats: null,
      reason: `Rule '${rule.name}' sets no error-rate limit, so the live error rate is not checked.` }];
  }
  const read: RequestWindow[] = [];
  for (const signal of signals) read.push(await reader.requests({ service, environment, start, end, routeLike: routeLike(signal.route) }));
  return signals.map((signal, i): PreDeployCheck => {
    const w = read[i]!;
    const base = { check: "live_error_rate" as const, signal: signal.name, release_id: null };
    const rate = w.requests > 0 ? w.errors / w.requests : null;
    const span = `in the last ${minutes} minutes`;
    if (w.requests < signal.min_samples) {
      return { ...base, status: "not_judged", stats: { requests: w.requests, errors: w.errors, error_rate: rate, limit: signal.limit, p_value: null, window },
        reason: `Only ${w.requests} requests ${span} (the rule needs ${signal.min_samples}); too few to tell, so this does not hold the deploy.` };
    }
    const test = binomialTest(w.errors, w.requests, signal.limit, "greater", rule.confidence);
    const stats = { requests: w.requests, errors: w.errors, error_rate: rate, limit: signal.limit, p_value: test.pValue, window };
    const said = `${percent(rate!)} of ${w.requests} requests failed ${span}`;
    if (test.pValue < 1 - rule.confidence) {
      return { ...base, status: "hold", stats, reason: `${said}, above the limit of ${percent(signal.limit)}; the service is already unhealthy.` };
    }
    const why = rate! > signal.limit ? `, above the limit of ${percent(signal.limit)} but not clearly beyond chance` : `, within the limit of ${percent(signal.limit)}`;
    return { ...base, status: "pass", stats, reason: `${said}${why}.` };
  });
}
