/**
 * Baseline judge (b), Kayenta-style: NetflixACAJudge's Mann–Whitney classifier on the per-minute points of each metric
 * (error rate, and p95 latency as a histogram_quantile query returns it), 98 % two-sided confidence, the ±25 %
 * Hodges–Lehmann band (High when the interval's lower end exceeds 0.25·|estimate|) and the default effect size
 * (mean ratio ≥ 1.0). Direction: increase. Any High fails the run; no data on every metric scores 0, which also fails.
 * A canary is compared with the hosts not updated over the same minutes. Not modelled: the IQR outlier removal of NetflixACAJudge and its weighted group scoring (both metrics are critical).
 */
import { mannWhitney } from "../../src/analysis/mann-whitney.ts";
import { histogramQuantile } from "../../src/telemetry/latency-histogram.ts";
import { runConsecutive, type Outcome } from "./interim-schedule.ts";
import type { RandomSource } from "./random-source.ts";
import type { MinuteAggregate, SimulatedRelease, WindowPlan } from "./release-scenario.ts";

export const KAYENTA = { confidence: 0.98, tolerance: 0.25, allowedIncrease: 1.0 } as const;

type Classification = "pass" | "high" | "nodata";

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const distinct = (xs: readonly number[]) => new Set(xs).size;

export class KayentaStyleJudge {
  readonly label = "Kayenta-style";

  constructor(private readonly plan: WindowPlan) {}

  /** `jitter`: Kayenta separates two constant series with Gaussian noise of 1e-5 of their value; seeded to replay. */
  run(release: SimulatedRelease, jitter: RandomSource): Outcome {
    const { minutes, deployAt } = release;
    const span = minutes.slice(0, deployAt + this.plan.fixedMinutes);
    // A canary is compared with the hosts not updated over the same minutes (Kayenta's own design); otherwise the hour before.
    const canary = release.treatedShare < 1;
    const series = (g: 0 | 1 | "all") => {
      const n = (m: MinuteAggregate) => (g === "all" ? m.requests : m.groupRequests[g]);
      const e = (m: MinuteAggregate) => (g === "all" ? m.errors : m.groupErrors[g]);
      const h = (m: MinuteAggregate) => (g === "all" ? m.hist : m.groupHist[g]);
      return {
        errorRate: span.map((m) => (n(m) > 0 ? e(m) / n(m) : NaN)),
        p95: span.map((m) => (n(m) > 0 ? histogramQuantile(h(m), 0.95) ?? NaN : NaN)),
      };
    };
    const exp = series(1), ctl = canary ? series(0) : series("all");
    const points = (s: number[], from: number, to: number) => s.slice(from, to).filter((v) => !Number.isNaN(v));
    const { outcome } = runConsecutive(this.plan, (t) => {
      const controlFrom = canary ? deployAt : 0, controlTo = canary ? deployAt + t : deployAt;
      const classes = (["errorRate", "p95"] as const).map((k) => classify(points(ctl[k], controlFrom, controlTo), points(exp[k], deployAt, deployAt + t), jitter));
      const fail = classes.includes("high") || classes.every((c) => c === "nodata");
      return { status: fail ? ("fail" as const) : ("pass" as const) };
    });
    return outcome;
  }
}

/** One metric: Kayenta's MannWhitneyClassifier with the defaults above, direction increase. */
export function classify(control: number[], experiment: number[], jitter: RandomSource): Classification {
  if (control.length === 0 || experiment.length === 0) return "nodata";
  const sortedC = [...control].sort((a, b) => a - b), sortedE = [...experiment].sort((a, b) => a - b);
  if (sortedC.length === sortedE.length && sortedC.every((v, i) => v === sortedE[i])) return "pass";
  if (distinct([...control, ...experiment]) === 1) return "pass";
  if (distinct(control) === 1 && distinct(experiment) === 1) {
    control = control.map((v) => v + 1e-5 * control[0]! * jitter.normal());
    experiment = experiment.map((v) => v + 1e-5 * experiment[0]! * jitter.normal());
  }
  const mw = mannWhitney(control, experiment, { alternative: "two-sided", confidence: KAYENTA.confidence });
  const deviation = mean(control) === 0 ? 1 : mean(experiment) / mean(control);
  return mw.shiftLow > KAYENTA.tolerance * Math.abs(mw.shift) && deviation >= KAYENTA.allowedIncrease ? "high" : "pass";
}
