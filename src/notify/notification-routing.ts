import type { VerdictStatus } from "../analysis/score.ts";
import type { Rule } from "../rules/rule-schema.ts";

export interface ResolvedRoute {
  channel: string;
  /** null: the channel's configured default room or channel. */
  target: string | null;
}

const globMatches = (glob: string, value: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`).test(value);

/**
 * Where a rule sends a verdict of this status for this service, each channel and target once. notify_routes, when
 * given, replaces notify × notify_on, so a team that routes to its own room is not also alerted in the default one.
 */
export function routesFor(rule: Rule, service: string, status: VerdictStatus): ResolvedRoute[] {
  const routes = rule.actions.notify_routes ?? rule.actions.notify.map((channel) => ({ channel, target: undefined, on: rule.actions.notify_on, service: undefined }));
  const out = new Map<string, ResolvedRoute>();
  for (const r of routes) {
    if (!r.on.includes(status)) continue;
    if (r.service !== undefined && !globMatches(r.service, service)) continue;
    out.set(`${r.channel}|${r.target ?? ""}`, { channel: r.channel, target: r.target ?? null });
  }
  return [...out.values()];
}
