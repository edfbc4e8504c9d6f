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
