import type { SqlParam, Statement, Store } from "../store/store.ts";

/** Records handled between two turns of the event loop: about 5 ms of validation or roll-up work on a busy core. */
export const SLICE = 2000;

export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `work` over [0, count) in slices of `size`, giving the event loop a turn between slices, so a large batch's CPU
 * work never holds other requests for longer than one slice.
 */
export async function inSlices(count: number, size: number, work: (from: number, to: number) => void): Promise<void> {
  for (let from = 0; from < count; from += size) {
    if (from > 0) await nextTurn();
    work(from, Math.min(count, from + size));
  }
}

/**
 * Runs `del` (a DELETE whose last parameter is its LIMIT) chunk by chunk until one deletes fewer than `chunk` rows,
 * each chunk its own write (a statement run outside write() could land in another caller's open group commit) and a
 * turn of the event loop between chunks, so a million old rows never hold a request for long. Returns how many went.
 */
export async function deleteInChunks(store: Store, del: Statement<unknown>, params: SqlParam[], chunk: number): Promise<number> {
  let n = 0;
  for (;;) {
    const changes = await store.write(() => del.run(...params, chunk));
    n += changes;
    if (changes < chunk) return n;
    await nextTurn();
  }
}
