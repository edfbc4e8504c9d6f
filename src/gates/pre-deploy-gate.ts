import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { RollbackRequests } from "../decisions/rollback-requests.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { WindowReader } from "../telemetry/window-reader.ts";
import { liveErrorChecks } from "./live-error-check.ts";
import type { PreDeployCheck, PreDeployResult } from "./pre-deploy-result.ts";
import type { GateVerdicts } from "./gate-verdicts.ts";

/** Whether a signal only observes: its own mode, or its rule's, is observe. */
function observes(rule: Rule, signal: string | null): boolean {
  return rule.mode === "observe" || rule.signals.some((s) => s.name === signal && s.mode === "observe");
}

/**
 * Answers "may a new deploy of this service start?": hold while the running release has an open failing verdict
 * or the live error rate is clearly above the rule's limit; pass otherwise.
 */
export class PreDeployGate {
  constructor(
    private readonly verdicts: GateVerdicts,
    private readonly ownRollbacks: Pick<RollbackRequests, "existing">,
    private readonly rules: RuleSet,
    private readonly reader: WindowReader,
    private readonly minutes: number,
    private readonly now: () => number = Date.now,
  ) {}

  async check(service: string, environment: string): Promise<PreDeployResult> {
    const now = this.now();
    const rule = this.rules.forRelease({ ruleName: null, service, environment });
    const live = (await liveErrorChecks(this.reader, rule, service, environment, this.minutes, now)).map((c) => (c.status === "hold" && observes(rule, c.signal)
      ? { ...c, status: "not_judged" as const, reason: `${c.reason} The signal is in observe mode, so this does not hold the deploy.` } : c));
    const checks = [await this.openVerdict(service, environment), ...live];
    const holds = checks.filter((c) => c.status === "hold");
    const target = `${service} in ${environment}`;
    const reason = holds.length > 0
      ? `Do not deploy ${target} now: ${holds.map((c) => c.reason).join(" ")}`
      : `${target} looks healthy enough to deploy: ${checks.map((c) => c.reason).join(" ")}`;
    return { service, environment, status: holds.length > 0 ? "hold" : "pass", reason, checks, checked_at: new Date(now).toISOString() };
  }

  private async openVerdict(service: string, environment: string): Promise<PreDeployCheck> {
    const base = { check: "open_verdict" as const, signal: null, stats: null };
    const release = await this.verdicts.lookup.latestLive(service, environment);
    if (!release) return { ...base, status: "pass", release_id: null, reason: `No finished deploy of ${service} in ${environment} has been reported.` };
    return { ...base, release_id: release.id, ...(await this.judgeOpen(release)) };
  }

  private async judgeOpen(release: ReleaseRow): Promise<{ status: PreDeployCheck["status"]; reason: string }> {
    // The verdict view carries operator decisions, so an approved release is not held here.
    const view = await this.verdicts.view(release);
    const what = `The running release ${view.version}`;
    if (view.status === "fail") {
      if (await this.verdicts.lookup.rolledBack(release)) return { status: "pass", reason: `${what} failed but was rolled back.` };
      // deploy-guard's own rollback does not come back as a deploy event, so its outbox row is the evidence.
      const own = await this.ownRollbacks.existing(release.id);
      if (own?.status === "succeeded") return { status: "pass", reason: `${what} failed but deploy-guard rolled it back.` };
      const running = own?.status === "pending" || own?.status === "running" ? " deploy-guard's rollback is still running."
        : own?.status === "failed" ? " deploy-guard's rollback failed."
        : own?.status === "unknown" ? " deploy-guard stopped while its rollback ran: it may or may not have run; a person must check." : "";
      return { status: "hold", reason: `${what} failed and has not been rolled back:${running} ${view.summary}` };
    }
    if (view.status === "analyzing") {
      // An observe-mode signal is judged and shown, never blocking: its fail does not hold the next deploy either.
      const failing = view.checks.filter((c) => c.status === "fail" && !c.observe);
      if (failing.length > 0) {
        return { status: "hold", reason: `${what} is still being watched and its latest check fails (${failing.map((c) => c.reason).join("; ")}).` };
      }
      return { status: "pass", reason: `${what} is still being watched; nothing fails so far.` };
    }
    return { status: "pass", reason: `${what} ended as ${view.status}.` };
  }
}
