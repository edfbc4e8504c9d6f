const MINUTE = 60_000;

interface Point { startMs: number; timeMs: number; values: number[] }

/**
 * Turns cumulative OTLP points (a counter's total, a histogram's counts since the process started) into what happened
 * since the previous point of the same series, which is what per-minute roll-ups add up.
 * - A series' first point counts whole only when the series started within `freshMs` (a service that just started);
 *   an older one (deploy-guard restarted, or the series' previous point went to another replica) is only remembered,
 *   so nothing is counted twice and at most one export interval is lost.
 * - A new start time, or counts that went down, is a reset: read as a first point.
 * - A point not newer than the last one (a retried export) adds nothing.
 * Points are remembered only when the request that carried them is stored (commit), so a retried request counts once.
 * Memory is bounded: past `maxSeries` the least recently seen series is forgotten.
 */
export class CumulativeTracker {
  private readonly last = new Map<string, Point>();

  constructor(
    private readonly maxSeries = 100_000,
    private readonly freshMs = 5 * MINUTE,
  ) {}

  batch(): CumulativeBatch {
    return new CumulativeBatch(this, this.freshMs);
  }

  get(key: string): Point | undefined {
    return this.last.get(key);
  }

  remember(updates: Map<string, Point>): void {
    for (const [key, p] of updates) {
      const known = this.last.get(key);
      if (known && known.startMs === p.startMs && known.timeMs >= p.timeMs) continue;
      this.last.delete(key);
      this.last.set(key, p);
      if (this.last.size > this.maxSeries) this.last.delete(this.last.keys().next().value!);
    }
  }
}

/** One request's cumulative points: deltas now, remembered on commit(). */
export class CumulativeBatch {
  private readonly updates = new Map<string, Point>();

  constructor(private readonly tracker: CumulativeTracker, private readonly freshMs: number) {}

  /**
   * What grew since the series' previous point, for `values` that only grow (a histogram's count and buckets) plus
   * `free` ones that are differenced but not checked (its sum); undefined when nothing can be counted.
   */
  delta(key: string, startMs: number, timeMs: number, values: number[], free: number[] = []): { values: number[]; free: number[] } | undefined {
    const prev = this.updates.get(key) ?? this.tracker.get(key);
    const point = { startMs, timeMs, values: [...values, ...free] };
    if (prev && prev.startMs === startMs && timeMs <= prev.timeMs) return undefined;
    this.updates.set(key, point);
    const continues = prev && prev.startMs === startMs && prev.values.length === point.values.length
      && values.every((v, i) => v >= prev.values[i]!);
    if (continues) {
      return { values: values.map((v, i) => v - prev.values[i]!), free: free.map((v, i) => v - prev.values[values.length + i]!) };
    }
    return startMs > 0 && timeMs - startMs <= this.freshMs ? { values, free } : undefined;
  }

  commit(): void {
    this.tracker.remember(this.updates);
  }
}
