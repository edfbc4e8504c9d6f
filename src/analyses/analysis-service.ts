import { createHash } from "node:crypto";
import { AppError } from "../http/app-error.ts";
import { newId } from "../deploys/deploy-service.ts";
import { DEFAULT_RULE } from "../rules/default-rule.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { AnalysisRow } from "../store/schema/index.ts";
import type { Statement, Store } from "../store/store.ts";
import type { Evaluator } from "../verdicts/evaluator.ts";
import type { Verdict } from "../verdicts/verdict.ts";
import { AnalysisStore } from "./analysis-store.ts";
import { pairSides, parseSides, type Side, type SideInput } from "./analysis-windows.ts";

export interface AnalysisRequest {
  id?: string | undefined;
  service: string;
  environment: string;
  control: SideInput;
  experiment: SideInput;
  rule?: string | undefined;
}

/** Signals judged look by look from a deploy on: an analysis has two windows and no deploy, so they are left out. */
const RELEASE_ONLY = new Set(["new_errors", "error_budget"]);

/**
 * On-demand analyses: the control window is the baseline, the experiment window the candidate, judged by the
 * fixed-window path of the release engine (src/verdicts/evaluator.ts) on the rule's signals. Judged when created if
 * both windows have ended (plus the ingest grace), else at the first poll after that: no job, alert or rollback.
 */
export class AnalysisService {
  private readonly rows: AnalysisStore;
  private readonly anyRequest: Statement<unknown>;
  private readonly anyMetric: Statement<unknown>;

  constructor(
    store: Store,
    private readonly rules: RuleSet,
    private readonly evaluator: Evaluator,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rows = new AnalysisStore(store);
    this.anyRequest = store.statement("SELECT 1 FROM request_rollups WHERE service = ? AND environment = ? LIMIT 1");
    this.anyMetric = store.statement("SELECT 1 FROM metric_rollups WHERE service = ? AND environment = ? LIMIT 1");
  }

  /** Creates the analysis, or answers the one an earlier POST with the same id or Idempotency-Key created. */
  async create(req: AnalysisRequest, idempotencyKey: string | undefined): Promise<AnalysisRow> {
    const now = this.now();
    const sides = parseSides(req.control, req.experiment, now);
    const rule = this.ruleFor(req);
    const { paired } = pairSides(sides.control, sides.experiment);
    const hash = requestHash(req, sides, rule.name);
    const earlier = await this.earlier(req.id, idempotencyKey, hash);
    if (earlier) return earlier;
    if (rule.signals.every((s) => s.source === "builtin") && !(await this.known(req.service, req.environment))) {
      throw new AppError("VALIDATION_FAILED", `service: no telemetry of '${req.service}' in '${req.environment}' was ever stored.`, [
        { path: "service", message: `no telemetry of '${req.service}' in '${req.environment}' was ever stored; check the service and environment names` },
      ]);
    }
    const row: AnalysisRow = {
      id: req.id ?? newId("ana"), service: req.service, environment: req.environment, ruleName: rule.name,
      control: sides.control, experiment: sides.experiment, status: "analyzing", score: null, summary: null, verdict: null,
      idempotencyKey: idempotencyKey ?? null, requestHash: hash, dueAt: Math.max(sides.control.end, sides.experiment.end) + this.graceMs,
      decidedAt: null, createdAt: now,
    };
    const judged = now >= row.dueAt ? await this.judged(row, rule, paired) : row;
    if (await this.rows.insert(judged)) return judged;
    // Another POST with the same id or key won the race: its analysis is the answer.
    return (await this.earlier(req.id, idempotencyKey, hash)) ?? conflict("id", "this id is taken by another analysis");
  }

  /** The analysis as a poll sees it: judged now when its windows have ended since it was created. */
  async get(id: string, mayRead: (service: string, environment: string) => boolean = () => true): Promise<AnalysisRow> {
    const row = await this.rows.find(id);
    // A token limited to other services learns nothing of this one, not even that it exists.
    if (!row || !mayRead(row.service, row.environment)) throw new AppError("NOT_FOUND", `No analysis with id '${id}'.`);
    if (row.status !== "analyzing" || this.now() < row.dueAt) return row;
    const rule = this.rules.byName(row.ruleName) ?? DEFAULT_RULE;
    const judged = await this.judged(row, rule, pairSides(row.control as Side, row.experiment as Side).paired);
    await this.rows.decide(row.id, judged.verdict as Verdict, judged.decidedAt!);
    return (await this.rows.find(id))!;
  }

  /** Reads outside sources first (outside any transaction), then the pushed telemetry; never writes. */
  private async judged(row: AnalysisRow, rule: Rule, paired: ReturnType<typeof pairSides>["paired"]): Promise<AnalysisRow> {
    const now = this.now();
    const experiment = row.experiment as Side;
    const judgedRule: Rule = { ...rule, signals: rule.signals.filter((s) => !RELEASE_ONLY.has(s.kind)), baseline: { ...rule.baseline, kind: "pinned" } };
    const input = {
      service: row.service, environment: row.environment, version: experiment.version ?? "experiment", rule: judgedRule, paired, final: true, now,
      target: `the experiment (${experiment.version ? `version ${experiment.version}` : experiment.hosts ? `hosts ${experiment.hosts.join(", ")}` : "its window"}) of ${row.service} in ${row.environment}`,
    };
    const verdict = await this.evaluator.evaluate(input, await this.evaluator.readOutside(input));
    return { ...row, status: verdict.status, score: verdict.score, summary: verdict.summary, verdict, decidedAt: now };
  }

  private ruleFor(req: AnalysisRequest): Rule {
    const rule = req.rule === undefined ? (this.rules.resolve(req.service, req.environment) ?? DEFAULT_RULE) : this.rules.byName(req.rule);
    if (!rule) {
      const names = this.rules.all().map((r) => r.name).join(", ");
      throw new AppError("VALIDATION_FAILED", `rule: no rule named '${req.rule}'.`, [{ path: "rule", message: `no rule named '${req.rule}'; the rules are: ${names}` }]);
    }
    if (rule.signals.every((s) => RELEASE_ONLY.has(s.kind))) {
      const message = `rule '${rule.name}' has only new_errors and error_budget signals, which are judged for releases only`;
      throw new AppError("VALIDATION_FAILED", `rule: ${message}.`, [{ path: "rule", message }]);
    }
    return rule;
  }

  /** The analysis an earlier POST with this id or key made; a 409 when it was made from another request. */
  private async earlier(id: string | undefined, key: string | undefined, hash: string): Promise<AnalysisRow | undefined> {
    const byId = id === undefined ? undefined : await this.rows.find(id);
    const found = byId ?? (key === undefined ? undefined : await this.rows.byKey(key));
    if (!found) return undefined;
    if (found.requestHash !== hash) {
      return byId ? conflict("id", "an analysis with this id was created from another request") : conflict("Idempotency-Key", "this key was used for another request");
    }
    return found;
  }

  private async known(service: string, environment: string): Promise<boolean> {
    return (await this.anyRequest.get(service, environment)) !== undefined || (await this.anyMetric.get(service, environment)) !== undefined;
  }
}

function conflict(path: string, message: string): never {
  throw new AppError("CONFLICT", `${path}: ${message}; send a new one to start another analysis.`, [{ path, message }]);
}

/** What makes two POSTs the same analysis: the parsed request, so ISO and epoch forms of one instant match. */
function requestHash(req: AnalysisRequest, sides: { control: Side; experiment: Side }, rule: string): string {
  return createHash("sha256").update(JSON.stringify([req.service, req.environment, sides.control, sides.experiment, rule])).digest("hex");
}
