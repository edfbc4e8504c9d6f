/** One simulated release through the three judges, kept in a tally with what the release really changed. */
import type { Rule } from "../../src/rules/rule-schema.ts";
import { BANDS, count, note, type Tally } from "./cell-tally.ts";
import { failingSignals, holdWait, signalNamed, signalReason } from "./engine-diagnosis.ts";
import type { EngineJudge } from "./engine-judge.ts";
import type { KayentaStyleJudge } from "./kayenta-style-judge.ts";
import type { RandomSource } from "./random-source.ts";
import type { SimulatedRelease } from "./release-scenario.ts";
import { isUnchanged, type Effect } from "./scenario-cells.ts";
import type { StaticThresholdJudge } from "./static-threshold-judge.ts";
import { p95Of, pearsonDispersion, rateSeries, sumWindow } from "./window-data.ts";

export interface JudgePanel {
  rule: Rule;
  engine: EngineJudge;
  static: StaticThresholdJudge;
  kayenta: KayentaStyleJudge;
}

function observe(release: SimulatedRelease, tally: Tally): number | undefined {
  const { minutes, deployAt } = release;
  const before = sumWindow(minutes, 0, deployAt), after = sumWindow(minutes, deployAt, minutes.length);
  if (before.errors > 0 && after.requests > 0) tally.errorRatio.push((after.errors / after.requests) / (before.errors / before.requests));
  if (before.errors >= 10 && after.errors >= 10) {
    const logRatio = Math.log((after.errors / after.requests) / (before.errors / before.requests));
    tally.windowZ.push(logRatio / Math.sqrt(1 / before.errors + 1 / after.errors));
  }
  const p95Before = p95Of(before.hist), p95After = p95Of(after.hist);
  if (p95Before !== undefined && p95After !== undefined) tally.p95Ratio.push(p95After / p95Before);
  const phi = pearsonDispersion(rateSeries(minutes, 0, deployAt));
  if (phi !== undefined) tally.phi.push(phi);
  return phi;
}

export function judgeRelease(release: SimulatedRelease, effect: Effect, panel: JudgePanel, tally: Tally, jitter: RandomSource): void {
  tally.n++;
  const phi = observe(release, tally);
  const { outcome, judgement, calls, ms } = panel.engine.run(release);
  tally.engineCalls += calls;
  tally.engineMs += ms;
  count(tally.judges.engine, outcome);
  count(tally.judges.static, panel.static.run(release));
  count(tally.judges.kayenta, panel.kayenta.run(release, jitter));

  const band = BANDS.findIndex((b) => release.baseErrorRate < b.below);
  tally.bandReleases[band]!++;
  if (outcome.status === "fail") tally.bandFails[band]!++;

  if (outcome.status === "hold") {
    const wait = holdWait(judgement);
    const trafficAfter = release.minutes.slice(release.deployAt).some((m) => m.requests > 0);
    if (typeof wait === "number") tally.holdMinutesNeeded.push(wait);
    else if (wait === "no traffic" && trafficAfter) tally.holdsNoTrafficClaim++;
    else tally.holdsWithoutTime++;
  }

  const errors = signalNamed(judgement, "error_rate", panel.rule), latency = signalNamed(judgement, "latency", panel.rule);
  if (latency?.kind === "ok") tally.latencyShift.push(latency.analysis.stats.relativeChange);
  if (isUnchanged(effect)) {
    if (outcome.status !== "fail") return note(tally, outcome.status);
    note(tally, failingSignals(judgement));
    if (errors?.kind === "ok" && errors.decision.status === "fail") {
      const s = errors.analysis.stats;
      tally.errorFalseFail.push({ ratio: s.candidateValue / s.baselineValue, phi: phi ?? NaN });
    }
    return;
  }
  if (outcome.status === "fail") return note(tally, "fail");
  const affected = effect.errorFactor !== 1 ? errors : latency;
  note(tally, `${outcome.status}: ${affected?.name ?? "?"} ${affected ? signalReason(affected, panel.rule) : "missing"}`);
}
