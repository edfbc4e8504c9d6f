import { CapacityFitError, type LinearFit } from "../analysis/capacity/capacity-types.ts";
import { headroom, type Headroom, type HeadroomInput } from "../analysis/capacity/headroom.ts";
import { fitDesign } from "../analysis/capacity/release-comparison.ts";
import { resample, type Resampled } from "../analysis/capacity/resample.ts";
import type { CapacityReader } from "./capacity-reader.ts";
import type { CapacityRule } from "./capacity-rule.ts";

const DAY = 24 * 3600_000;

export interface Span {
  start: number;
  end: number;
}

export type WindowData = { kind: "ok"; design: Resampled } | { kind: "nodata"; why: string };

/** fetch → resample → fit for one service's capacity model; the statistics stay in src/analysis/capacity. */
export class CapacityFitter {
  constructor(private readonly reader: CapacityReader) {}

  async data(model: CapacityRule, service: string, environment: string, span: Span): Promise<WindowData> {
    const series = await this.reader.series(model, service, environment, span.start, span.end);
    const design = resample(series, span.start, span.end, model.interval_minutes);
    if (design.y.length < model.min_points) {
      return { kind: "nodata", why: `${design.y.length} intervals of ${model.resource.metric} with volumes, ${model.min_points} needed` };
    }
    return { kind: "ok", design };
  }

  /** A fit, or the reason there is none (too few points, a volume that never varies, exact collinearity). */
  fit(model: CapacityRule, design: Resampled, confidence: number): { kind: "ok"; fit: LinearFit } | { kind: "nodata"; why: string } {
    try {
      return { kind: "ok", fit: fitDesign(design, { confidence, robust: model.robust }) };
    } catch (err) {
      if (err instanceof CapacityFitError) return { kind: "nodata", why: err.message };
      throw err;
    }
  }

  /** Today's mix and peak from the fit window, and the daily peaks of the last `trend_days` for the growth trend. */
  async headroomInput(model: CapacityRule, service: string, environment: string, design: Resampled, end: number): Promise<HeadroomInput> {
    const totals = Object.fromEntries(design.names.map((n, j) => [n, design.x[j]!.reduce((a, b) => a + b, 0)]));
    const rowTotal = (d: Resampled, i: number) => d.x.reduce((a, col) => a + col[i]!, 0);
    let peak = 0;
    for (let i = 0; i < design.y.length; i++) peak = Math.max(peak, rowTotal(design, i));
    const start = Math.floor((end - model.trend_days * DAY) / DAY) * DAY;
    const history = resample(await this.reader.series(model, service, environment, start, end), start, end, model.interval_minutes);
    const byDay = new Map<number, number>();
    for (let i = 0; i < history.y.length; i++) {
      const day = Math.floor(history.t[i]! / DAY);
      byDay.set(day, Math.max(byDay.get(day) ?? 0, rowTotal(history, i)));
    }
    // Today's day is partial; the trend uses whole days only.
    const today = Math.floor(end / DAY);
    const dailyPeaks = [...byDay].filter(([day]) => day < today).sort((a, b) => a[0] - b[0]).map(([day, volume]) => ({ day, volume }));
    return { limit: model.resource.limit, totals, peakVolume: peak, dailyPeaks };
  }

  servicesOf(model: CapacityRule, since: number): Promise<{ service: string; environment: string }[]> {
    return this.reader.servicesWith(model, since);
  }

  headroom(fit: LinearFit, input: HeadroomInput): Headroom {
    return headroom(fit, input);
  }
}
