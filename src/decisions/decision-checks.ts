import { AppError } from "../http/app-error.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { DecisionAction, DecisionFeedback, DecisionView } from "./decision-overlay.ts";

export interface DecisionFields {
  action: DecisionAction;
  reason: string;
  batch?: number | undefined;
  signal?: string | undefined;
  feedback?: DecisionFeedback | undefined;
}

const invalid = (path: string, message: string) => new AppError("VALIDATION_FAILED", `${path}: ${message}`, [{ path, message }]);

/** Which fields go with which action; the same rules whoever decides (API, dashboard, Slack, CLI). */
export function checkFields(f: DecisionFields): string {
  const reason = f.reason.trim();
  if (!reason) throw invalid("reason", "must not be empty");
  if (reason.length > 1000) throw invalid("reason", "at most 1000 characters");
  if (f.action === "skip" && !f.signal) throw invalid("signal", "skip needs the name of the signal to set aside");
  if (f.action !== "skip" && f.signal !== undefined) throw invalid("signal", `only skip takes a signal, not ${f.action}`);
  if (f.action === "mark_wrong" && !f.feedback) throw invalid("feedback", "mark_wrong needs false_fail or missed_regression");
  if (f.action !== "mark_wrong" && f.feedback !== undefined) throw invalid("feedback", `only mark_wrong takes feedback, not ${f.action}`);
  if (f.batch !== undefined) {
    if (!Number.isInteger(f.batch) || f.batch < 1) throw invalid("batch", "a batch number: 1, 2, …");
    if (f.action !== "approve" && f.action !== "hold") {
      throw invalid("batch", `only approve and hold can name a batch; ${f.action} is about the whole release`);
    }
  }
  return reason;
}

export function checkBatch(release: ReleaseRow, batch: number | undefined, known: number[]): void {
  if (batch === undefined || known.includes(batch)) return;
  const has = known.length === 0 ? "its deploy has no batches" : `its deploy has batches ${known.join(", ")}`;
  throw invalid("batch", `${release.service} ${release.version} has no batch ${batch}; ${has}`);
}

export function checkSignal(rule: Rule, signal: string | undefined): void {
  if (signal === undefined || rule.signals.some((s) => s.name === signal)) return;
  throw invalid("signal", `rule '${rule.name}' has no signal '${signal}'; its signals are: ${rule.signals.map((s) => s.name).join(", ")}`);
}

/** What each action needs of the release as it stands; the answer is a 409 that says why. */
export interface ReleaseState {
  release: ReleaseRow;
  inForce: DecisionView | null;
  /** Set when the release no longer runs: rolled back by its deploy tool, or a rollback was asked for. */
  rolledBack: string | undefined;
  /** A rollback deploy-guard queued (by a verdict or a decision). */
  rollbackRequested: { status: string; createdAt: number } | undefined;
}

const conflict = (message: string) => new AppError("CONFLICT", message);
const PAST = { approve: "approved", hold: "put on hold", rollback: "rolled back" } as const;

export function refuseSenseless(s: ReleaseState, f: DecisionFields, what: string): void {
  const { action } = f;
  if (action === "mark_wrong") return;
  if (action === "retry" && (s.release.status === "pending" || s.release.status === "analyzing")) {
    throw conflict(`${what} is still being judged (${s.release.status}); there is no verdict to judge again yet.`);
  }
  if (action === "approve" || action === "hold" || action === "rollback") {
    const current = s.inForce;
    const scope = f.batch === undefined ? "" : ` (batch ${f.batch})`;
    if (current?.action === action && current.batch === (f.batch ?? null)) {
      throw conflict(`${what}${scope} was already ${PAST[action]} by ${current.actor} at ${current.at}.`);
    }
  }
  if (s.rolledBack) {
    if (action === "approve") throw conflict(`${what} ${s.rolledBack}; a rolled-back release cannot be approved; deploy a fixed version instead.`);
    if (action === "hold") throw conflict(`${what} ${s.rolledBack}; there is nothing left to hold.`);
    if (action === "retry" || action === "skip") throw conflict(`${what} ${s.rolledBack}; there is nothing left to judge.`);
    if (!s.rollbackRequested) throw conflict(`${what} ${s.rolledBack} already.`);
  }
  const requested = s.rollbackRequested;
  if (requested && action !== "rollback") {
    throw conflict(`A rollback of ${what} was requested at ${new Date(requested.createdAt).toISOString()} (it is ${requested.status}); it cannot be ${action === "retry" ? "judged again" : action === "skip" ? "re-judged" : PAST[action]} any more.`);
  }
  if (requested) throw conflict(`A rollback of ${what} was already requested at ${new Date(requested.createdAt).toISOString()} by its fail verdict (it is ${requested.status}).`);
}

/** A mark says the engine was wrong: false_fail only on a fail, missed_regression only on a pass or warn, each once. */
export function checkMark(release: ReleaseRow, feedback: DecisionFeedback, earlier: { actor: string; at: number } | undefined, what: string): void {
  if (feedback === "false_fail" && release.status !== "fail") throw conflict(`${what} was not failed by the engine (it is ${release.status}); only a fail can be a false fail.`);
  if (feedback === "missed_regression" && release.status !== "pass" && release.status !== "warn") {
    throw conflict(`${what} was not passed by the engine (it is ${release.status}); only a pass or warn can have missed a regression.`);
  }
  if (earlier) throw conflict(`${what} was already marked ${feedback} by ${earlier.actor} at ${new Date(earlier.at).toISOString()}.`);
}
