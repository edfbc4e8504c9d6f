import { existsSync } from "node:fs";

/**
 * `../shared/data` beside the clone: data other projects wrote whose licence forbids copying it here (Loghub) or does
 * not clearly allow it. A clone with nothing beside it skips the tests that read it; the note goes into their names.
 */
const SHARED_DATA = new URL("../../../shared/data/", import.meta.url);

export interface SharedFile {
  url: URL;
  present: boolean;
  /** "" when present, else " (skipped: ../shared/data/<path> is absent)" to append to a test's name. */
  note: string;
}

/** Checked once, when the test file is collected, so `describe.skipIf(!file.present)` never reads a missing file. */
export function sharedData(path: string): SharedFile {
  const url = new URL(path, SHARED_DATA);
  const present = existsSync(url);
  return { url, present, note: present ? "" : ` (skipped: ../shared/data/${path} is absent)` };
}
