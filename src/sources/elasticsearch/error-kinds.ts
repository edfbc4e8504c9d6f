import { normaliseErrorMessage } from "./error-message-normaliser.ts";

/** One distinct error message with how many documents carry it (a terms-aggregation bucket). */
export interface MessageCount {
  message: string;
  count: number;
}

export interface ErrorKind {
  /** The normalised message, e.g. "timeout after <num> ms calling <ip>". */
  kind: string;
  count: number;
  /** One raw message of this kind, for the reader. */
  example: string;
}

export interface NewErrorKinds {
  /** Kinds seen after the release and not before, most frequent first. */
  kinds: ErrorKind[];
  /** Errors in the candidate window, and how many of them the message buckets did not cover (terms size reached). */
  candidateErrors: number;
  uncovered: { candidate: number; baseline: number };
}

/** Sums message counts by kind, keeping the most frequent raw message of each as its example. */
export function groupByKind(messages: MessageCount[]): Map<string, ErrorKind> {
  const kinds = new Map<string, ErrorKind>();
  for (const m of messages) {
    const kind = normaliseErrorMessage(m.message);
    const k = kinds.get(kind);
    if (k) k.count += m.count;
    else kinds.set(kind, { kind, count: m.count, example: m.message });
  }
  return kinds;
}

/** Kinds of the candidate's messages that none of the baseline's messages share. Pure. */
export function compareErrorKinds(candidate: MessageCount[], baseline: MessageCount[]): ErrorKind[] {
  const before = groupByKind(baseline);
  return [...groupByKind(candidate).values()].filter((k) => !before.has(k.kind)).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

/** The verdict's sentence: "3 new kinds of error appeared after this release: "…" (12×), …". */
export function describeNewErrorKinds(r: NewErrorKinds, shown = 3): string {
  if (r.kinds.length === 0) return "No new kind of error appeared after this release.";
  const n = r.kinds.length;
  const list = r.kinds.slice(0, shown).map((k) => `"${k.kind.length > 120 ? `${k.kind.slice(0, 117)}...` : k.kind}" (${k.count}×)`).join(", ");
  const more = n > shown ? ` and ${n - shown} more` : "";
  const caveat = r.uncovered.baseline > 0 ? " (the baseline had more distinct messages than were read, so some may be older than they look)" : "";
  return `${n} new ${n === 1 ? "kind" : "kinds"} of error appeared after this release: ${list}${more}${caveat}.`;
}
