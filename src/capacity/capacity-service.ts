import { and, asc, desc, eq, isNotNull } from "drizzle-orm";
import { compareFits } from "../analysis/capacity/release-comparison.ts";
import { judgeCostRise } from "../analysis/capacity/cost-rise.ts";
import { AppError } from "../http/app-error.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import { first, type Store } from "../store/store.ts";
import { capacityFits, releases, type CapacityFitRow, type ReleaseRow } from "../store/schema/index.ts";
import type { FinalVerdict, FinalVerdictStage, ReleaseIdentity } from "../verdicts/verdict-types.ts";
import { capacityCheck, unavailableCheck, withCapacityCheck } from "./capacity-check.ts";
import type { CapacityFitter, Span } from "./capacity-fitter.ts";
import type { CapacityRule } from "./capacity-rule.ts";
import type { HistoryPoint, ModelSummary, ReleaseCapacity, ServiceCapacity } from "./capacity-types.ts";
import { CapacitySourceError } from "./source-series-reader.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (t: number) => new Date(t).toISOString();
const floorMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE;

type Judged = Partial<ReleaseCapacity> & Pick<ReleaseCapacity, "status" | "reason">;

export function summarizeModel(rule: Rule, m: CapacityRule): ModelSummary {
  return { rule: rule.name, resource: m.resource.metric, limit: m.resource.limit, volumes: m.volumes, interval_minutes: m.interval_minutes,
    fit_window_hours: m.fit_window_hours, max_cost_rise: m.max_cost_rise, on_rise: m.on_rise, robust: m.robust };
}

/** Capacity models: the nightly refit, the before/after comparison of every release, and the views the API serves. */
export class CapacityService implements FinalVerdictStage {
  constructor(
    private readonly store: Store,
    private readonly rules: RuleSet,
    private readonly fitter: CapacityFitter,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The rule and its capacity model for a release (by the rule it was judged by) or a service. */
  modelFor(r: { ruleName: string | null; service: string; environment: string }): { rule: Rule; model: CapacityRule } | undefined {
    const rule = this.rules.forRelease(r);
    return rule.capacity ? { rule, model: rule.capacity } : undefined;
  }

  /** Before: fit_window_hours up to the deploy's start. After: from the analysis start (+ delay), as far as data has arrived. */
  windowsOf(release: ReleaseRow, rule: Rule, model: CapacityRule): { before: Span; after: Span } | undefined {
    if (release.analysisStart === null || release.deployStartedAt === null) return undefined;
    const beforeEnd = floorMinute(release.deployStartedAt);
    const afterStart = release.analysisStart + model.after_delay_minutes * MINUTE;
    const afterEnd = afterStart + (model.after_window_minutes ?? rule.analysis.minutes) * MINUTE;
    return { before: { start: beforeEnd - model.fit_window_hours * HOUR, end: beforeEnd }, after: { start: afterStart, end: afterEnd } };
  }

  /** Compares the fits before and after a release; undefined when its rule has no capacity model. Reads only. */
  async compare(release: ReleaseRow, now = this.now()): Promise<ReleaseCapacity | undefined> {
    const found = this.modelFor(release);
    if (!found) return undefined;
    const { rule, model } = found;
    const windows = this.windowsOf(release, rule, model);
    const summary = summarizeModel(rule, model);
    const base = { release_id: release.id, service: release.service, environment: release.environment, version: release.version, model: summary,
      before: null, after: null, changes: [], risen: [], chow: null, headroom: { before: null, after: null, moved: null }, computed_at: iso(now) };
    if (!windows) {
      const span = { start: iso(now), end: iso(now) };
      return { ...base, status: "nodata", reason: "The release's deploy has not finished, so there is no window after it.", complete: false, windows: { before: span, after: span } };
    }
    const available = Math.min(windows.after.end, floorMinute(now));
    const complete = now >= windows.after.end + this.graceMs;
    const after = { start: windows.after.start, end: Math.max(windows.after.start, available) };
    const out = { ...base, complete, windows: { before: { start: iso(windows.before.start), end: iso(windows.before.end) }, after: { start: iso(after.start), end: iso(windows.after.end) } } };
    try {
      return { ...out, ...(await this.judged(release, rule, model, windows.before, after)) };
    } catch (err) {
      // Not complete: the refit after releases asks the source again until it answers.
      if (err instanceof CapacitySourceError) {
        return { ...out, complete: false, status: "nodata", reason: `The capacity model's data could not be read: ${err.message}.` };
      }
      throw err;
    }
  }

  /** The comparison's verdict and fits; throws CapacitySourceError when an outside source cannot give a series. */
  private async judged(release: ReleaseRow, rule: Rule, model: CapacityRule, before: Span, after: Span): Promise<Judged> {
    const b = await this.fitter.data(model, release.service, release.environment, before);
    const a = await this.fitter.data(model, release.service, release.environment, after);
    if (b.kind === "nodata" || a.kind === "nodata") {
      const why = b.kind === "nodata" ? `before the release: ${b.why}` : `after the release: ${a.kind === "nodata" ? a.why : ""}`;
      return { status: "nodata", reason: `Not enough data to compare the capacity model ${why}.` };
    }
    let cmp;
    try {
      cmp = compareFits(b.design, a.design, { confidence: rule.confidence, robust: model.robust });
    } catch (err) {
      return { status: "nodata", reason: `The capacity model cannot be fitted: ${(err as Error).message}.` };
    }
    const judged = judgeCostRise(cmp, { maxCostRise: model.max_cost_rise, onRise: model.on_rise, confidence: rule.confidence, resource: model.resource.metric });
    const input = await this.fitter.headroomInput(model, release.service, release.environment, b.design, before.end);
    const hb = this.fitter.headroom(cmp.before, input), ha = this.fitter.headroom(cmp.after, input);
    const moved = hb.volume_at_limit && ha.volume_at_limit !== null ? ha.volume_at_limit / hb.volume_at_limit - 1 : null;
    const shift = moved !== null && Math.abs(moved) >= 0.01 ? ` The release moved the volume at the limit by ${moved > 0 ? "+" : "−"}${Math.abs(Math.round(moved * 100))} %.` : "";
    return { status: judged.status, reason: judged.reason + shift, before: cmp.before, after: cmp.after, changes: cmp.changes,
      risen: judged.risen.map((c) => c.name), chow: cmp.chow, headroom: { before: hb, after: ha, moved } };
  }

  /** Compares and stores (replacing an incomplete comparison), so the history keeps one row per release. */
  async judgeRelease(release: ReleaseRow): Promise<ReleaseCapacity | undefined> {
    const now = this.now();
    const result = await this.compare(release, now);
    if (!result) return undefined;
    const row = { service: release.service, environment: release.environment, kind: "release" as const, releaseId: release.id, fittedAt: now,
      windowStart: Date.parse(result.windows.after.start), windowEnd: Date.parse(result.windows.after.end), status: result.status, complete: result.complete, result };
    await this.store.db.insert(capacityFits).values(row).onConflictDoUpdate({ target: capacityFits.releaseId, set: row });
    return result;
  }

  /**
   * The last stage of a final verdict (src/verdicts/verdict-recorder.ts): the capacity check added and scored, before
   * the verdict is stored; unchanged when the rule has no model. Never throws.
   */
  async complete(identity: ReleaseIdentity, verdict: FinalVerdict, rule: Rule): Promise<FinalVerdict> {
    if (!rule.capacity) return verdict;
    const release = await first(this.store.db.select().from(releases).where(eq(releases.id, identity.id)).limit(1));
    if (!release) return verdict;
    const target = `${release.service} ${release.version} in ${release.environment}`;
    let result: ReleaseCapacity | undefined;
    try {
      result = await this.judgeRelease(release);
    } catch (err) {
      return withCapacityCheck(verdict, unavailableCheck(`The capacity model could not be computed (${(err as Error).message}).`, rule.capacity.weight), rule.thresholds, target);
    }
    return result ? withCapacityCheck(verdict, capacityCheck(result, rule.capacity.weight), rule.thresholds, target) : verdict;
  }

  /** The refit after each release: every release whose after window has passed since its last comparison. */
  async refitReleases(): Promise<number> {
    const now = this.now();
    const rows = await this.store.db.select({ release: releases, fit: capacityFits }).from(releases)
      .leftJoin(capacityFits, eq(capacityFits.releaseId, releases.id))
      .where(isNotNull(releases.analysisStart)).orderBy(desc(releases.createdAt)).limit(500);
    let done = 0;
    for (const { release, fit } of rows) {
      if (fit?.complete) continue;
      const found = this.modelFor(release);
      const windows = found && this.windowsOf(release, found.rule, found.model);
      if (!windows || now < windows.after.end + this.graceMs) continue;
      await this.judgeRelease(release);
      done++;
    }
    return done;
  }

  /** The nightly refit: every service that pushed a model's resource metric in the last day. */
  async refitNightly(): Promise<number> {
    const now = this.now();
    let done = 0;
    for (const rule of this.rules.all()) {
      if (!rule.capacity) continue;
      for (const { service, environment } of await this.fitter.servicesOf(rule.capacity, now - 24 * HOUR)) {
        if (this.modelFor({ ruleName: null, service, environment })?.rule !== rule) continue;
        const view = await this.current(rule, rule.capacity, service, environment, now);
        if (!view.current) continue;
        await this.store.db.insert(capacityFits).values({ service, environment, kind: "nightly", releaseId: null, fittedAt: now,
          windowStart: Date.parse(view.window.start), windowEnd: Date.parse(view.window.end), status: "pass", complete: true,
          result: { fit: view.current, headroom: view.headroom } });
        done++;
      }
    }
    return done;
  }

  private async current(rule: Rule, model: CapacityRule, service: string, environment: string, now: number) {
    const end = floorMinute(now), start = end - model.fit_window_hours * HOUR;
    const window = { start: iso(start), end: iso(end) };
    try {
      const data = await this.fitter.data(model, service, environment, { start, end });
      if (data.kind === "nodata") return { window, current: null, headroom: null, reason: `Not enough data for a fit: ${data.why}.` };
      const fitted = this.fitter.fit(model, data.design, rule.confidence);
      if (fitted.kind === "nodata") return { window, current: null, headroom: null, reason: `The model cannot be fitted: ${fitted.why}.` };
      const h = this.fitter.headroom(fitted.fit, await this.fitter.headroomInput(model, service, environment, data.design, end));
      return { window, current: fitted.fit, headroom: h, reason: h.reason };
    } catch (err) {
      if (err instanceof CapacitySourceError) return { window, current: null, headroom: null, reason: `The model's data could not be read: ${err.message}.` };
      throw err;
    }
  }

  async serviceView(service: string, environment: string): Promise<ServiceCapacity> {
    const found = this.modelFor({ ruleName: null, service, environment });
    if (!found) throw new AppError("NOT_FOUND", `The rule for ${service} in ${environment} has no capacity model; add a 'capacity:' block (docs/capacity.md).`);
    const { rule, model } = found;
    const rows = await this.store.db.select().from(capacityFits)
      .where(and(eq(capacityFits.service, service), eq(capacityFits.environment, environment)))
      .orderBy(asc(capacityFits.fittedAt));
    const versions = new Map((await this.store.db.select({ id: releases.id, version: releases.version }).from(releases)
      .where(and(eq(releases.service, service), eq(releases.environment, environment)))).map((r) => [r.id, r.version]));
    return {
      service, environment, model: summarizeModel(rule, model),
      ...(await this.current(rule, model, service, environment, this.now())),
      history: rows.filter((r) => r.kind === "release").map((r) => historyPoint(r, versions.get(r.releaseId!) ?? "")),
      nightly: rows.filter((r) => r.kind === "nightly").slice(-60).map(nightlyPoint),
    };
  }

  /** The stored comparison, or one computed now (without storing) when the release has none yet. */
  async releaseView(release: ReleaseRow): Promise<ReleaseCapacity> {
    const stored = await first(this.store.db.select().from(capacityFits).where(eq(capacityFits.releaseId, release.id)).limit(1));
    if (stored) return stored.result as ReleaseCapacity;
    const computed = await this.compare(release);
    if (!computed) throw new AppError("NOT_FOUND", `The rule for ${release.service} in ${release.environment} has no capacity model; add a 'capacity:' block (docs/capacity.md).`);
    return computed;
  }
}

const coefficientsOf = (fit: { coefficients: { name: string; estimate: number; ci_low: number; ci_high: number }[] } | null) =>
  fit ? fit.coefficients.map(({ name, estimate, ci_low, ci_high }) => ({ name, estimate, ci_low, ci_high })) : [];

function historyPoint(row: CapacityFitRow, version: string): HistoryPoint {
  const r = row.result as ReleaseCapacity;
  return { release_id: row.releaseId!, version, fitted_at: iso(row.fittedAt), status: r.status, complete: row.complete, n: r.after?.n ?? null,
    r2: r.after?.r2 ?? null, coefficients: coefficientsOf(r.after), volume_at_limit: r.headroom.after?.volume_at_limit ?? null };
}

function nightlyPoint(row: CapacityFitRow): ServiceCapacity["nightly"][number] {
  const r = row.result as { fit: NonNullable<ServiceCapacity["current"]>; headroom: ServiceCapacity["headroom"] };
  return { fitted_at: iso(row.fittedAt), n: r.fit.n, r2: r.fit.r2, coefficients: coefficientsOf(r.fit), volume_at_limit: r.headroom?.volume_at_limit ?? null };
}

