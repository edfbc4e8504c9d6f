import { readFileSync } from "node:fs";
import { expect } from "vitest";

const FIXTURES = new URL("../fixtures/", import.meta.url);

/** Reads a committed reference fixture; "Infinity" / "-Infinity" strings (JSON has no infinities) become numbers. */
export function readFixture<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), "utf8"), (_key, value: unknown) =>
    value === "Infinity" ? Infinity : value === "-Infinity" ? -Infinity : value,
  ) as T;
}

/** |actual − expected| / |expected|; equal values (infinities included) deviate by 0, anything else against 0 by ∞. */
export function relativeDeviation(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (!Number.isFinite(expected) || !Number.isFinite(actual) || expected === 0) return Infinity;
  return Math.abs(actual - expected) / Math.abs(expected);
}

export function absoluteDeviation(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Number.isFinite(actual - expected) ? Math.abs(actual - expected) : Infinity;
}

export function expectRelative(actual: number, expected: number, tolerance: number, label: string): void {
  expect(relativeDeviation(actual, expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

export function expectAbsolute(actual: number, expected: number, tolerance: number, label: string): void {
  expect(absoluteDeviation(actual, expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** The MINSTD generator the reference script uses, so large samples need not be stored in fixtures. */
export interface MinstdSpec {
  generator: "minstd";
  seed: number;
  n: number;
  offset: number;
  scale?: number;
  levels?: number;
}

export function minstd(spec: MinstdSpec): number[] {
  const out: number[] = [];
  let state = spec.seed;
  for (let i = 0; i < spec.n; i++) {
    state = (state * 48271) % 2147483647;
    const u = state / 2147483647;
    out.push(spec.offset + (spec.levels !== undefined ? Math.floor(u * spec.levels) : (spec.scale ?? 1) * u));
  }
  return out;
}
