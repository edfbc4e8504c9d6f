import { AnalysisInputError } from "./analysis-error.ts";
import type { WeightedSample } from "./mann-whitney.ts";

/** A sample as its distinct values, ascending, each with a positive count; raw arrays and histograms both become this. */
export interface CountedSample {
  values: Float64Array;
  counts: Float64Array;
  total: number;
  /** Every count is a whole number, so the sample is equivalent to a plain array. */
  integral: boolean;
}

function group(sortedValues: Float64Array, sortedCounts: Float64Array): CountedSample {
  const values: number[] = [], counts: number[] = [];
  let total = 0;
  for (let i = 0; i < sortedValues.length; i++) {
    const value = sortedValues[i]!, count = sortedCounts[i]!;
    total += count;
    if (values.length > 0 && values[values.length - 1] === value) counts[counts.length - 1]! += count;
    else {
      values.push(value);
      counts.push(count);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total, integral: counts.every(Number.isInteger) };
}

function fromWeighted(sample: WeightedSample, side: string): CountedSample {
  if (sample.values.length !== sample.weights.length) {
    throw new AnalysisInputError("INVALID_INPUT", `${side}: ${sample.values.length} values but ${sample.weights.length} weights`);
  }
  const order: number[] = [];
  for (let i = 0; i < sample.values.length; i++) {
    const value = sample.values[i]!, weight = sample.weights[i]!;
    if (!Number.isFinite(value)) throw new AnalysisInputError("INVALID_INPUT", `${side}: value ${value} at index ${i} is not finite`);
    if (!(weight >= 0 && Number.isFinite(weight))) throw new AnalysisInputError("INVALID_INPUT", `${side}: weight ${weight} at index ${i} is not a count`);
    if (weight > 0) order.push(i);
  }
  // Histograms and rawSample() arrive sorted already; a comparator sort of thousands of indices is then wasted.
  let sorted = true;
  for (let k = 1; k < order.length && sorted; k++) sorted = sample.values[order[k - 1]!]! <= sample.values[order[k]!]!;
  if (!sorted) order.sort((a, b) => sample.values[a]! - sample.values[b]!);
  return group(Float64Array.from(order, (i) => sample.values[i]!), Float64Array.from(order, (i) => sample.weights[i]!));
}

function fromRaw(values: number[], side: string): CountedSample {
  const sorted = Float64Array.from(values);
  const bad = sorted.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new AnalysisInputError("INVALID_INPUT", `${side}: value ${values[bad]} at index ${bad} is not finite`);
  sorted.sort();
  return group(sorted, new Float64Array(sorted.length).fill(1));
}

export function toCountedSample(input: number[] | WeightedSample, side: string): CountedSample {
  const sample = Array.isArray(input) ? fromRaw(input, side) : fromWeighted(input, side);
  if (!(sample.total > 0)) throw new AnalysisInputError("EMPTY_SAMPLE", `${side} has no observations`);
  return sample;
}

/** Σ(t³ − t) over the tie groups of one sample: the tie term of the rank-sum variance. */
export function tieTerm(sample: CountedSample): number {
  let sum = 0;
  for (const t of sample.counts) sum += t * t * t - t;
  return sum;
}

/** The sample as a plain ascending array, for the exact method (only called on small integral samples). */
export function expand(sample: CountedSample): number[] {
  const out: number[] = [];
  sample.values.forEach((value, i) => {
    for (let k = 0; k < sample.counts[i]!; k++) out.push(value);
  });
  return out;
}
