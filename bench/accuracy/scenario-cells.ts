/** The grid of simulated releases: effect × traffic × design (before/after, canary, ephemeral pods), plus silent windows. */
import type { CanarySpec, LatencyEffect, ReleaseSpec, TrafficShape } from "./release-scenario.ts";

export interface Effect {
  label: string;
  errorFactor: number;
  latency: LatencyEffect;
}

export interface Cell {
  effect: Effect;
  rpm: number;
  traffic: TrafficShape;
  releases: number;
  /** Absent: every host updated at once (before/after, judged against the forecast from history). */
  canary?: CanarySpec;
  /** Releases driven by an outside series (NAB): one set of per-minute multipliers per release. */
  levels?: NonNullable<ReleaseSpec["level"]>[];
}

export const TRAFFIC_LEVELS = [20, 100, 300, 1000] as const;
export const ERROR_FACTORS = [1.5, 2, 5] as const;
export const P95_RISES = [0.1, 0.25, 0.5] as const;
export const SHARED_WANDER = [1, 0.5, 0] as const;

export const UNCHANGED: Effect = { label: "unchanged", errorFactor: 1, latency: { kind: "none" } };

const errors = (f: number): Effect => ({ label: `errors ×${f}`, errorFactor: f, latency: { kind: "none" } });

export const EFFECTS: Effect[] = [
  UNCHANGED,
  ...ERROR_FACTORS.map(errors),
  ...P95_RISES.map((r): Effect => ({ label: `p95 +${r * 100}% (all slower)`, errorFactor: 1, latency: { kind: "scale", rise: r } })),
  ...P95_RISES.map((r): Effect => ({ label: `p95 +${r * 100}% (tail only)`, errorFactor: 1, latency: { kind: "tail", rise: r } })),
];

/** Canary cells test the error rate: unchanged, a doubling and ×5. */
export const CANARY_EFFECTS: Effect[] = [UNCHANGED, errors(2), errors(5)];

export const CANARIES: CanarySpec[] = [
  ...([2, 1] as const).flatMap((hosts) => SHARED_WANDER.map((sharedWander): CanarySpec => ({ hosts, sharedWander, ephemeral: false }))),
  { hosts: 2, sharedWander: 1, ephemeral: true },
];

export function designLabel(c: Cell): string {
  if (!c.canary) return "before/after";
  const share = `${c.canary.hosts * 25} %`;
  return c.canary.ephemeral ? `ephemeral pods ${share}` : `canary ${share}, s ${c.canary.sharedWander}`;
}

/** Releases the targets hold the engine to: at least 2× the error rate, or at least +25 % on p95. */
export function isLargeEffect(e: Effect): boolean {
  return e.errorFactor >= 2 || (e.latency.kind !== "none" && e.latency.rise >= 0.25);
}

export function isUnchanged(e: Effect): boolean {
  return e.errorFactor === 1 && e.latency.kind === "none";
}

/** The before/after doubling: the detect floor, where the fail, miss and hold targets all sit. */
const isDoubling = (e: Effect) => e.errorFactor === 2 && e.latency.kind === "none";

export function buildCells(scale: { unchanged: number; changed: number; doubling: number; canaryUnchanged: number; silent: number }): Cell[] {
  const cells: Cell[] = [];
  for (const effect of EFFECTS) {
    const releases = isUnchanged(effect) ? scale.unchanged : isDoubling(effect) ? scale.doubling : scale.changed;
    for (const rpm of TRAFFIC_LEVELS) cells.push({ effect, rpm, traffic: "normal", releases });
  }
  for (const canary of CANARIES) {
    for (const effect of CANARY_EFFECTS) {
      for (const rpm of TRAFFIC_LEVELS) {
        cells.push({ effect, rpm, traffic: "normal", canary, releases: isUnchanged(effect) ? scale.canaryUnchanged : scale.changed });
      }
    }
  }
  for (const rpm of [100, 1000]) {
    cells.push({ effect: { ...UNCHANGED, label: "no traffic after deploy" }, rpm, traffic: "none_after", releases: scale.silent });
    cells.push({ effect: { ...UNCHANGED, label: "no traffic at all" }, rpm, traffic: "none", releases: scale.silent });
  }
  return cells;
}
