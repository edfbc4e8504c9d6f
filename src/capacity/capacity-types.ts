import type { LinearFit } from "../analysis/capacity/capacity-types.ts";
import type { Headroom } from "../analysis/capacity/headroom.ts";
import type { ChowTest, CoefficientChange } from "../analysis/capacity/release-comparison.ts";

export type CapacityStatus = "pass" | "warn" | "fail" | "nodata";

export interface ModelSummary {
  rule: string;
  resource: string;
  limit: number;
  volumes: string[];
  interval_minutes: number;
  fit_window_hours: number;
  max_cost_rise: number;
  on_rise: "warn" | "fail";
  robust: boolean;
}

export interface IsoSpan {
  start: string;
  end: string;
}

/** GET /api/v1/releases/{id}/capacity: the release's before/after comparison. */
export interface ReleaseCapacity {
  release_id: string;
  service: string;
  environment: string;
  version: string;
  status: CapacityStatus;
  reason: string;
  /** Whether the after window had fully passed when this was computed; an incomplete one is refit when it has. */
  complete: boolean;
  model: ModelSummary;
  windows: { before: IsoSpan; after: IsoSpan };
  before: LinearFit | null;
  after: LinearFit | null;
  /** Intercept first, then one per volume. */
  changes: CoefficientChange[];
  /** The volumes whose cost per unit rose significantly beyond max_cost_rise. */
  risen: string[];
  chow: ChowTest | null;
  /** At the before side's mix and peak: the limit's volume before and after, and the relative move. */
  headroom: { before: Headroom | null; after: Headroom | null; moved: number | null };
  computed_at: string;
}

/** One point of the coefficient history: the after-side fit of one release. */
export interface HistoryPoint {
  release_id: string;
  version: string;
  fitted_at: string;
  status: CapacityStatus;
  complete: boolean;
  n: number | null;
  r2: number | null;
  coefficients: { name: string; estimate: number; ci_low: number; ci_high: number }[];
  volume_at_limit: number | null;
}

/** GET /api/v1/services/{service}/capacity. */
export interface ServiceCapacity {
  service: string;
  environment: string;
  model: ModelSummary;
  window: IsoSpan;
  /** The fit over the last fit_window_hours; null with the reason when there is too little data. */
  current: LinearFit | null;
  headroom: Headroom | null;
  reason: string;
  /** Oldest first. */
  history: HistoryPoint[];
  nightly: { fitted_at: string; n: number; r2: number; coefficients: HistoryPoint["coefficients"]; volume_at_limit: number | null }[];
}
