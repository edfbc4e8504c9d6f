import { describe, expect, it } from "vitest";
import { FitCache } from "../../src/verdicts/fit-cache.ts";

describe("FitCache", () => {
  it("fits a key once, even when evaluations miss it together", async () => {
    const cache = new FitCache(4);
    let fits = 0;
    const fit = async () => {
      fits++;
      await new Promise((r) => setTimeout(r, 5));
      return { level: 0.01 };
    };
    const [a, b] = await Promise.all([cache.get("svc|12:00", fit), cache.get("svc|12:00", fit)]);
    expect(fits).toBe(1);
    expect(a).toBe(b);
    expect(await cache.get("svc|12:00", fit)).toBe(a);
    expect(fits).toBe(1);
  });

  it("drops the least recently used key when full", async () => {
    const cache = new FitCache(2);
    const fitted: string[] = [];
    const fit = (k: string) => () => (fitted.push(k), k);
    await cache.get("a", fit("a"));
    await cache.get("b", fit("b"));
    await cache.get("a", fit("a")); // a is now the most recent
    await cache.get("c", fit("c")); // evicts b
    await cache.get("a", fit("a"));
    await cache.get("b", fit("b"));
    expect(fitted).toEqual(["a", "b", "c", "b"]);
    expect(cache.size).toBe(2);
  });

  it("forgets a fit that failed, so the next evaluation tries again", async () => {
    const cache = new FitCache(4);
    await expect(cache.get("k", () => { throw new Error("no history"); })).rejects.toThrow("no history");
    expect(await cache.get("k", () => 42)).toBe(42);
  });
});
