import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";
import { isStorageFull } from "./storage-full-error.ts";

/** What a write registered to run after its commit; a rolled-back savepoint drops what it added. */
interface WriteScope {
  kicks: (() => void)[];
}

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: writes that arrive while the event loop is busy share one transaction, and so one fsync.
 * Each runs in its own savepoint, so one failing write rolls back only itself; every caller is answered only after the
 * shared commit, so an acknowledged write is on disk. A flush stops taking writes after `sliceMs`, so a queue of large
 * batches never holds other requests for their sum.
 *
 * Work may be async, but its awaits must settle without a turn of the event loop (SQLite answers synchronously): then
 * nothing else runs on the connection while the transaction is open. A work that waits on real I/O is refused with an
 * error rather than left holding every writer.
 */
export class WriteQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inside = new AsyncLocalStorage<WriteScope>();
  private savepoints = 0;

  constructor(
    private readonly client: Database.Database,
    private readonly maxBatch = 256,
    private readonly sliceMs = 20,
  ) {}

  inWrite(): boolean {
    return this.inside.getStore() !== undefined;
  }

  afterCommit(kick: () => void): void {
    const scope = this.inside.getStore();
    if (scope) scope.kicks.push(kick);
    else queueMicrotask(kick);
  }

  run<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.inWrite()) return this.nested(work);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async nested<T>(work: () => Promise<T> | T): Promise<T> {
    const name = `nested_${++this.savepoints}`;
    const scope = this.inside.getStore()!;
    const kicks = scope.kicks.length;
    this.client.exec(`SAVEPOINT ${name}`);
    try {
      const value = await work();
      this.client.exec(`RELEASE ${name}`);
      return value;
    } catch (error) {
      this.rollbackTo(name);
      scope.kicks.length = kicks;
      throw error;
    }
  }

  private rollbackTo(name: string): void {
    // After a full disk SQLite has already rolled the whole transaction back; there is no savepoint left.
    if (!this.client.inTransaction) return;
    this.client.exec(`ROLLBACK TO ${name}`);
    this.client.exec(`RELEASE ${name}`);
  }

  private async flush(): Promise<void> {
    const taken = this.pending.splice(0, this.maxBatch);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const kicks: (() => void)[] = [];
    const started = performance.now();
    let turned = false;
    const sentinel = setImmediate(() => (turned = true));
    let done = taken.length;
    try {
      this.client.exec("BEGIN");
      for (const item of taken) {
        if (outcomes.length > 0 && performance.now() - started > this.sliceMs) {
          done = outcomes.length;
          break;
        }
        // After a full disk SQLite has rolled everything back; a write run now would commit on its own.
        if (!this.client.inTransaction) {
          outcomes.push({ ok: false, value: outcomes.find((o) => !o.ok)?.value ?? new Error("the shared transaction was rolled back") });
          continue;
        }
        this.client.exec("SAVEPOINT item");
        const scope: WriteScope = { kicks: [] };
        try {
          outcomes.push({ ok: true, value: await this.inside.run(scope, item.work) });
          this.client.exec("RELEASE item");
          kicks.push(...scope.kicks);
        } catch (error) {
          this.rollbackTo("item");
          outcomes.push({ ok: false, value: error });
        }
      }
      if (turned) throw new Error("a write waited on something other than the database while its transaction was open; nothing of it was stored");
      this.client.exec("COMMIT");
    } catch (error) {
      if (this.client.inTransaction) this.client.exec("ROLLBACK");
      // SQLite rolls the whole transaction back on a full disk, so the commit fails too: every caller hears why.
      const full = outcomes.find((o) => !o.ok && isStorageFull(o.value));
      for (const item of taken.slice(0, done)) item.reject(full ? full.value : error);
      return;
    } finally {
      clearImmediate(sentinel);
      this.pending.unshift(...taken.slice(done));
      this.scheduled = this.pending.length > 0;
      if (this.scheduled) setImmediate(() => void this.flush());
    }
    taken.slice(0, done).forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
    // After the callers are answered: each resumes before any kick runs, as it would after any commit.
    for (const kick of kicks) queueMicrotask(kick);
  }
}
