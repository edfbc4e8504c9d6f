import type { Db } from "./db.ts";
import type { Store } from "./store.ts";

/**
 * TEMPORARY (async store conversion in progress): one object that is both the Store and the old synchronous Db, so
 * services not yet converted keep working while converted ones take the Store. Removed when every service takes Store.
 */
export function transitionStore(store: Store): Store & Db {
  const db = store.db as unknown as Record<PropertyKey, unknown>;
  return new Proxy(store, {
    get(target, key) {
      if (key in target) return (target as unknown as Record<PropertyKey, unknown>)[key];
      const value = db[key];
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(db) : value;
    },
  }) as unknown as Store & Db;
}
