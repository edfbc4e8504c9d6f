import type { GateTiming, GateVerdict } from "./gate-client.ts";

const MINUTE = 60_000;
/** Past the longest window: the ingest grace (60 s by default) and the last evaluation fit well inside it. */
export const DEADLINE_MARGIN_MS = 10 * MINUTE;

/** A time of day as the reader's clock shows it, with its zone: "14:30 UTC", "15:30 GMT+1". */
export function clockTime(iso: string | number): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(new Date(iso));
}

/** "about 18 min", "about 2 h 5 min", "less than a minute". */
export function roughly(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 1) return "less than a minute";
  return minutes < 60 ? `about ${minutes} min` : `about ${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

/**
 * When the gate gives up if --timeout is not given, on the server's clock (so a runner whose clock is off does not
 * matter): the end of the release's longest window plus the margin. Before the deploy has finished that end is
 * unknown: the gate then allows the whole window from its first answer (`firstNow`, the server's time then).
 */
export function defaultDeadline(timing: GateTiming, firstNow: number): { at: number; why: string } {
  const margin = `plus a ${DEADLINE_MARGIN_MS / MINUTE}-minute margin`;
  if (timing.window_ends_at === null) {
    return { at: firstNow + timing.max_minutes * MINUTE + DEADLINE_MARGIN_MS, why: `the rule's longest window (${timing.max_minutes} minutes) from when the gate started, ${margin}` };
  }
  return { at: Date.parse(timing.window_ends_at) + DEADLINE_MARGIN_MS, why: `the longest window (${timing.max_minutes} minutes) ends at ${clockTime(timing.window_ends_at)}, ${margin}` };
}

const who = (v: GateVerdict, fallback: string) => (v.service && v.version ? `${v.service} ${v.version} (${v.environment})` : fallback);

/**
 * One line saying what the gate waits for and by when a decision is expected, e.g. "analyzing checkout 1.4.2
 * (production): 12 of up to 240 minutes of data; a decision is expected by 14:30 UTC (in about 18 min); next look 14:15 UTC".
 */
export function progressLine(release: GateVerdict, what: string, batch?: { index: number; verdict: GateVerdict | undefined }): string {
  const t = release.timing;
  const name = who(release, what);
  if (batch) {
    const b = batch.verdict;
    if (!b) return `waiting for batch ${batch.index} of ${name} to start (release ${release.status})`;
    const due = !b.final && b.decide_by ? `; a decision is expected by ${clockTime(b.decide_by)}` : "";
    return `batch ${batch.index} of ${name}: ${b.status}${due} — ${b.summary}`;
  }
  if (release.release_id === null) return `waiting for ${what} to be reported: ${release.summary}`;
  if (release.status !== "analyzing" || !t) return `${release.status} ${name}: ${release.summary}`;
  const data = t.minutes_of_data === null ? "" : `${t.minutes_of_data} of up to ${t.max_minutes} minutes of data; `;
  const left = t.decision_expected_by === null ? 0 : Date.parse(t.decision_expected_by) - Date.parse(t.now);
  const expected = t.decision_expected_by === null ? "no decision is expected yet"
    : left > 0 ? `a decision is expected by ${clockTime(t.decision_expected_by)} (in ${roughly(left)})`
    : `a decision is due now (it was expected by ${clockTime(t.decision_expected_by)})`;
  const next = !t.next_look_at ? "" : Date.parse(t.next_look_at) > Date.parse(t.now) ? `; next look ${clockTime(t.next_look_at)}` : "; next look due now";
  return `analyzing ${name}: ${data}${expected}${next}`;
}
