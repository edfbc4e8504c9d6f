/**
 * When a sequential signal looks at its data and how long its window may grow (issue 11, "Windows are sequential"):
 * no decision before 10 minutes, a look every 5, and a maximum where the baseline predicts about 100 events.
 */
import type { LookPlan } from "./sequential-types.ts";

export const ERROR_PLAN: LookPlan = {
  firstLookMinutes: 10,
  lookEveryMinutes: 5,
  eventsAtMax: 100,
  minMaxMinutes: 30,
  maxMaxMinutes: 240,
};

export const LATENCY_PLAN: LookPlan = { ...ERROR_PLAN, maxMaxMinutes: 120 };

/** The first look at or after `minutes` on the plan's grid (firstLook, firstLook + every, …). */
export function lookAtOrAfter(plan: LookPlan, minutes: number): number {
  if (minutes <= plan.firstLookMinutes) return plan.firstLookMinutes;
  return plan.firstLookMinutes + Math.ceil((minutes - plan.firstLookMinutes) / plan.lookEveryMinutes - 1e-9) * plan.lookEveryMinutes;
}

/**
 * The maximum window: where `expectedEventsPerMinute` adds up to `eventsAtMax`, rounded up to the look grid and
 * clamped to [minMaxMinutes, maxMaxMinutes]. No expected events (or none known) gives the longest window.
 */
export function maxMinutesFor(plan: LookPlan, expectedEventsPerMinute: number): number {
  const raw = expectedEventsPerMinute > 0 && Number.isFinite(expectedEventsPerMinute)
    ? plan.eventsAtMax / expectedEventsPerMinute
    : plan.maxMaxMinutes;
  const clamped = Math.min(plan.maxMaxMinutes, Math.max(plan.minMaxMinutes, raw));
  return Math.min(plan.maxMaxMinutes, lookAtOrAfter(plan, clamped));
}

/** The look minutes due so far: from the first look up to the smaller of the maximum and the data there is. */
export function looksUpTo(plan: LookPlan, maxMinutes: number, availableMinutes: number): number[] {
  const last = Math.min(maxMinutes, availableMinutes);
  const looks: number[] = [];
  for (let t = plan.firstLookMinutes; t <= last; t += plan.lookEveryMinutes) looks.push(t);
  // A maximum off the grid (a plan whose clamps are not on it) is still looked at.
  if (last === maxMinutes && looks[looks.length - 1] !== maxMinutes && maxMinutes >= plan.firstLookMinutes) looks.push(maxMinutes);
  return looks;
}

/** The next look after `minutes` of data, or null once the maximum has been looked at. */
export function nextLookAfter(plan: LookPlan, maxMinutes: number, minutes: number): number | null {
  if (minutes >= maxMinutes) return null;
  const next = minutes < plan.firstLookMinutes ? plan.firstLookMinutes : lookAtOrAfter(plan, minutes + 1);
  return Math.min(next, maxMinutes);
}
