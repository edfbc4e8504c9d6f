/**
 * An absolute SLO signal (issue 11, "Low traffic: use every lever"): the release's error rate against the pace at which
 * the objective's error budget may burn, p0 = burnRate × (1 − objective), as the SRE Workbook's burn-rate alerts
 * ("Alerting on SLOs", fast burn 14.4). It needs no baseline, so it judges services with no usable history.
 */
import { AnalysisInputError } from "../analysis-error.ts";
import { betaQuantile } from "../beta-distribution.ts";
import { binomialSf } from "../binomial-distribution.ts";
import type { SignalStats } from "../signal-result.ts";
import { logRateMixture } from "./binomial-mixture.ts";
import { looksUpTo, nextLookAfter } from "./look-plan.ts";
import type { MinuteCounts, SequentialResult, SequentialSettings, SequentialStatus } from "./sequential-types.ts";

export interface ErrorBudget {
  /** The share of requests that must succeed, e.g. 0.999. */
  objective: number;
  /** Fail when the error rate is credibly above this many times the budget's pace (14.4: 2 % of 30 days' budget in an hour). */
  burnRate: number;
}

export const ERROR_BUDGET_METHOD = "mixture SPRT of the error rate against the burn-rate threshold";
export const ERROR_BUDGET_INTERVAL_LEVEL = 0.95;
const HOURS_IN_BUDGET = 30 * 24;

const percent = (x: number) => `${Number((x * 100).toPrecision(3))} %`;

/** The burn threshold p0 = burnRate × (1 − objective). */
export function burnThreshold(budget: ErrorBudget): number {
  const p0 = budget.burnRate * (1 - budget.objective);
  if (!(budget.objective > 0 && budget.objective < 1 && budget.burnRate > 0 && p0 < 1))
    throw new AnalysisInputError("INVALID_INPUT", `objective ${budget.objective} with burn rate ${budget.burnRate} gives no error rate inside (0, 1)`);
  return p0;
}

/** Two-sided Clopper–Pearson interval of the error rate (beta quantiles, exact). */
export function rateInterval(events: number, exposure: number, level = ERROR_BUDGET_INTERVAL_LEVEL): { low: number; high: number } {
  const tail = (1 - level) / 2;
  return {
    low: events > 0 ? betaQuantile(tail, events, exposure - events + 1) : 0,
    high: events < exposure ? betaQuantile(1 - tail, events + 1, exposure - events) : 1,
  };
}

interface Look { minutes: number; events: number; exposure: number; failLog: number; passLog: number }

function budgetStats(look: Look, p0: number, budget: ErrorBudget): SignalStats {
  const rate = look.exposure > 0 ? look.events / look.exposure : 0;
  const interval = look.exposure > 0 ? rateInterval(look.events, look.exposure) : { low: 0, high: 1 };
  return {
    method: ERROR_BUDGET_METHOD,
    baselineValue: p0, candidateValue: rate, baselineN: 0, candidateN: look.exposure,
    absoluteChange: rate - p0, relativeChange: rate / p0 - 1,
    ciLow: interval.low / p0 - 1, ciHigh: interval.high / p0 - 1,
    // Anytime-valid p-value: by Ville's inequality P(sup M ≥ 1/p) ≤ p at whatever look the signal stops.
    pValue: Math.min(1, Math.exp(-look.failLog)),
    details: {
      objective: budget.objective, burnRateThreshold: budget.burnRate, burnRate: rate / (1 - budget.objective),
      minutes: look.minutes, candidateEvents: look.events, logMixtureFail: look.failLog, logMixturePass: look.passLog,
      // The fixed-sample exact binomial p-value at this look alone, for reference; it is not valid over repeated looks.
      exactPValue: look.exposure > 0 ? binomialSf(look.events, look.exposure, p0) : 1,
    },
  };
}

/**
 * Judges the looks of settings.plan (10 minutes, then every 5, up to plan.maxMaxMinutes) over the data there is and
 * stops at the first decisive one. Fail: the "above" mixture reaches 1/alpha (the rate is credibly above p0). Pass: the
 * "below" mixture reaches 1/beta (a burn at p0 is ruled out, so a burning release passes with probability ≤ beta).
 * At the maximum: pass if the observed rate is below p0 on at least minSamples requests, else hold. Never a pass
 * without requests; more errors never give a better status.
 */
export function judgeErrorBudget(candidate: MinuteCounts[], settings: SequentialSettings, budget: ErrorBudget): SequentialResult {
  const p0 = burnThreshold(budget);
  const plan = settings.plan, maxMinutes = plan.maxMaxMinutes;
  const failBar = Math.log(1 / settings.alpha), passBar = Math.log(1 / settings.beta);
  const pace = `${budget.burnRate}× the budget's pace (${percent(p0)} errors)`;
  const designReason = `against the objective of ${percent(budget.objective)} (a burn rate of ${budget.burnRate} uses ` +
    `${percent(budget.burnRate / HOURS_IN_BUDGET)} of the 30-day error budget in an hour)`;
  const result = (status: SequentialStatus, look: Look, why: string): SequentialResult => ({
    status, design: "reference", designReason, lowAssurance: false, minutesUsed: look.minutes, maxMinutes,
    nextLookMinutes: status === "continue" ? nextLookAfter(plan, maxMinutes, look.minutes) : null,
    stats: budgetStats(look, p0, budget), intervalLevel: ERROR_BUDGET_INTERVAL_LEVEL, why,
  });

  const looks = new Set(looksUpTo(plan, maxMinutes, candidate.length));
  const available = Math.min(candidate.length, maxMinutes);
  let look: Look = { minutes: 0, events: 0, exposure: 0, failLog: 0, passLog: 0 };
  for (let t = 1; t <= available; t++) {
    const m = candidate[t - 1]!;
    if (!(m.events >= 0 && m.exposure >= m.events && Number.isFinite(m.exposure)))
      throw new AnalysisInputError("INVALID_INPUT", `minute ${t} has ${m.events} errors in ${m.exposure} requests`);
    look = { ...look, minutes: t, events: look.events + m.events, exposure: look.exposure + m.exposure };
    if (!looks.has(t)) continue;
    look.failLog = logRateMixture(look.events, look.exposure, p0, "above");
    look.passLog = logRateMixture(look.events, look.exposure, p0, "below");
    const seen = `${look.events} errors in ${look.exposure} requests (${percent(look.events / Math.max(1, look.exposure))})`;
    if (look.failLog >= failBar)
      return result("fail", look, `after ${t} minutes: ${seen}, above ${pace}; a rate this high would appear by chance in under 1 in ${Math.round(1 / settings.alpha)} releases burning at that pace`);
    if (look.passLog >= passBar)
      return result("pass", look, `after ${t} minutes: ${seen}; burning at ${pace} is ruled out`);
    if (t === maxMinutes) {
      if (look.exposure === 0) return result("nodata", look, `no requests in ${t} minutes, so the objective cannot be judged`);
      if (look.exposure < settings.minSamples) return result("nodata", look, `only ${look.exposure} requests in ${t} minutes (fewer than ${settings.minSamples})`);
      return look.events / look.exposure < p0
        ? result("pass", look, `after ${t} minutes (the maximum): ${seen}, below ${pace}, though too few requests to rule it out`)
        : result("hold", look, `after ${t} minutes (the maximum): ${seen}, at or above ${pace}, but not clearly above it`);
    }
  }
  if (look.exposure > 0) {
    look.failLog = logRateMixture(look.events, look.exposure, p0, "above");
    look.passLog = logRateMixture(look.events, look.exposure, p0, "below");
  }
  const why = look.exposure === 0
    ? `no requests in ${look.minutes} minutes so far`
    : `${look.events} errors in ${look.exposure} requests after ${look.minutes} minutes: neither clearly above nor clearly below ${pace} yet`;
  return result("continue", look, why);
}
