/**
 * Seeded uniforms (mulberry32: unlike MINSTD, neighbouring seeds give unrelated streams; never exactly 0) with
 * Box–Muller normals and Knuth's Poisson sampler: enough for reproducible simulations in the statistics tests.
 */
export function seededSampler(seed: number): { uniform: () => number; normal: () => number; poisson: (mean: number) => number } {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
    poisson: (mean) => {
      let k = 0;
      for (let p = uniform(), limit = Math.exp(-mean); p > limit; p *= uniform()) k++;
      return k;
    },
  };
}
