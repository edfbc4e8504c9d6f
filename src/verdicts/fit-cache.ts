/**
 * A bounded least-recently-used cache of values computed once from their inputs: baseline histories and models,
 * change-point scans. Keys name every input of the value, not the release, so releases that read the same data share
 * one fit. The promise is kept, so evaluations that miss together fit once; a failed fit is forgotten, so the next
 * evaluation tries again.
 */
export class FitCache {
  private readonly map = new Map<string, Promise<unknown>>();

  constructor(private readonly limit: number) {}

  get<T>(key: string, fit: () => Promise<T> | T): Promise<T> {
    let v = this.map.get(key) as Promise<T> | undefined;
    if (v !== undefined) {
      // Most recently used last: the oldest key is the first one dropped.
      this.map.delete(key);
      this.map.set(key, v);
      return v;
    }
    v = Promise.resolve().then(fit);
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, v);
    v.catch(() => {
      if (this.map.get(key) === v) this.map.delete(key);
    });
    return v;
  }

  get size(): number {
    return this.map.size;
  }
}
