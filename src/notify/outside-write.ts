import type { Store } from "../store/store.ts";

/**
 * Runs side-effect work (alert sends, rollback calls) outside every store.write(). A kick made inside a write (by a
 * verdict or a decision) waits for that write's commit, so a call never goes out for something that is rolled back
 * and never runs inside a transaction; a kick from a write that rolls back never runs. Never await it inside a write.
 */
export class OutsideWrite {
  constructor(private readonly store: Store) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.store.inWrite()) return work();
    return new Promise<T>((resolve, reject) => this.store.afterCommit(() => void work().then(resolve, reject)));
  }
}
