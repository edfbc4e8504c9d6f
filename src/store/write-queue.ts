import type { Db } from "./db.ts";
import { isStorageFull } from "./storage-full-error.ts";

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes that arrive while the event loop is busy share one transaction, and so one fsync. Each runs
 * in its own savepoint (better-sqlite3 nests transactions that way), so one failing write rolls back only itself;
 * every caller is answered only after the shared commit, so an acknowledged write is on disk. A flush stops taking
 * writes after `sliceMs`, so a queue of large batches never holds other requests for their sum.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 256,
    private readonly sliceMs = 20,
  ) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const taken = this.pending.splice(0, this.maxBatch);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const started = performance.now();
    let done = taken.length;
    try {
      this.db.$client.transaction(() => {
        for (const item of taken) {
          if (outcomes.length > 0 && performance.now() - started > this.sliceMs) {
            done = outcomes.length;
            break;
          }
          // After a full disk SQLite has rolled everything back; a write run now would commit on its own.
          if (!this.db.$client.inTransaction) {
            outcomes.push({ ok: false, value: outcomes.find((o) => !o.ok)?.value ?? new Error("the shared transaction was rolled back") });
            continue;
          }
          try {
            outcomes.push({ ok: true, value: this.db.$client.transaction(item.work)() });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      })();
    } catch (error) {
      // SQLite rolls the whole transaction back on a full disk, so the commit fails too: every caller hears why.
      const full = outcomes.find((o) => !o.ok && isStorageFull(o.value));
      // A transaction that could not even begin failed every write taken.
      for (const item of taken.slice(0, done)) item.reject(full ? full.value : error);
      return;
    } finally {
      this.pending.unshift(...taken.slice(done));
      this.scheduled = this.pending.length > 0;
      if (this.scheduled) setImmediate(() => this.flush());
    }
    taken.slice(0, done).forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
  }
}
