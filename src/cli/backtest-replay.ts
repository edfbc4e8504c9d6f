import { ERROR_PLAN } from "../analysis/sequential/look-plan.ts";
import type { Config } from "../config.ts";
import type { Rule } from "../rules/rule-schema.ts";
import { BuiltinSource } from "../sources/builtin-source.ts";
import type { Sources } from "../sources/registry.ts";
import { sourceCallPolicy } from "../sources/source-call.ts";
import type { Store } from "../store/store.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import { ErrorSignatureReader } from "../telemetry/error-signature-reader.ts";
import { WindowReader } from "../telemetry/window-reader.ts";
import { BaselineResolver } from "../verdicts/baseline-resolver.ts";
import { Evaluator } from "../verdicts/evaluator.ts";
import { ExternalReader, NO_READS, readsOutsideSources } from "../verdicts/external-reads.ts";
import { computeWindows, floorMinute } from "../verdicts/release-windows.ts";
import { SequentialEvaluator } from "../verdicts/sequential-evaluator.ts";
import type { Verdict } from "../verdicts/verdict.ts";

const MINUTE = 60_000;

/** How the backtested rule would judge one stored release: a final status, or `analyzing` while no look is decisive. */
export interface ReplayedVerdict {
  status: Verdict["status"];
  score: number | null;
  why: string;
}

/**
 * Judges stored releases with one rule, as the service would judge them now: a sequential rule look by look over the
 * minutes stored, up to its longest window (so a release still inside it may be `analyzing`); a fixed rule once, over
 * its window or the minutes so far. Builds its parts as src/container.ts does; reads and writes nothing else.
 */
export class BacktestReplay {
  private readonly evaluator: Evaluator;
  private readonly resolver: BaselineResolver;
  private readonly sequential: SequentialEvaluator;

  constructor(store: Store, private readonly rule: Rule, private readonly now: number, outside?: { config: Config; sources: Sources }) {
    const reader = new WindowReader(store);
    this.evaluator = outside
      ? new Evaluator(outside.sources.builtin, new ExternalReader(outside.sources, sourceCallPolicy(outside.config)))
      : new Evaluator(new BuiltinSource(reader, store));
    this.resolver = new BaselineResolver(store);
    this.sequential = new SequentialEvaluator(reader, this.evaluator, this.resolver, new ErrorSignatureReader(store));
  }

  /** undefined when the rule's window has not begun by now (nothing to judge). */
  async judge(release: ReleaseRow): Promise<ReplayedVerdict | undefined> {
    const rule = this.rule;
    const windows = computeWindows(rule, release.deployStartedAt!, release.deployFinishedAt!);
    const candidateEnd = Math.min(windows.analysisEnd, floorMinute(this.now));
    if (candidateEnd <= windows.analysisStart) return undefined;
    const replayed: ReleaseRow = { ...release, ...windows };
    if (rule.analysis.mode === "fixed") {
      const paired = await this.resolver.resolve(replayed, rule, candidateEnd);
      const v = await this.evaluator.evaluateReading({ ...identity(release), rule, paired, final: true, now: this.now });
      return { status: v.status, score: v.score, why: whyOf(v) };
    }
    const firstLook = windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE;
    if (candidateEnd < firstLook) {
      return { status: "analyzing", score: null, why: `No decision before ${ERROR_PLAN.firstLookMinutes} minutes of data; the first look is at ${iso(firstLook)}.` };
    }
    const { verdict } = await this.sequential.evaluate(replayed, rule, candidateEnd, this.now, await this.outsideReads(replayed, windows.analysisStart, candidateEnd));
    return { status: verdict.status, score: verdict.score, why: whyOf(verdict) };
  }

  /** Signals read from outside sources keep the fixed window of `analysis.minutes`: read once it is complete, as the service does. */
  private async outsideReads(release: ReleaseRow, analysisStart: number, candidateEnd: number) {
    const fixedEnd = analysisStart + this.rule.analysis.minutes * MINUTE;
    if (!readsOutsideSources(this.rule) || candidateEnd < fixedEnd) return NO_READS;
    const rule: Rule = this.rule.baseline.kind === "auto" ? { ...this.rule, baseline: { ...this.rule.baseline, kind: "before_deploy" } } : this.rule;
    const paired = await this.resolver.resolve(release, rule, fixedEnd);
    return this.evaluator.readOutside({ ...identity(release), rule, paired, final: true, now: this.now });
  }
}

const identity = (r: ReleaseRow) => ({ service: r.service, environment: r.environment, version: r.version });
const iso = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;
const whyOf = (v: Verdict) => v.checks.find((c) => c.status !== "pass")?.reason ?? v.summary;
