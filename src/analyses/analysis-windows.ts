import { AppError, type FieldError } from "../http/app-error.ts";
import { parseTimestamp } from "../http/timestamp-field.ts";
import type { PairedWindows, WindowSpec } from "../verdicts/baseline-resolver.ts";
import { ceilMinute, floorMinute } from "../verdicts/release-windows.ts";

const MAX_SPAN_MS = 24 * 3600_000;

/** One side of an analysis as the client sent it (timestamps not yet parsed). */
export interface SideInput {
  start: string | number;
  end: string | number;
  hosts?: string[] | undefined;
  version?: string | undefined;
}

/** One side as stored: whole minutes, epoch ms. */
export interface Side {
  start: number;
  end: number;
  hosts?: string[];
  version?: string;
}

export type Design = "concurrent" | "reference";

/**
 * Parses both sides, or throws one 422 naming every bad field. Windows are widened to whole minutes, as roll-ups are
 * stored per minute.
 */
export function parseSides(control: SideInput, experiment: SideInput, now: number): { control: Side; experiment: Side } {
  const errors: FieldError[] = [];
  const side = (name: string, s: SideInput): Side => {
    const at = (field: "start" | "end") => {
      const t = parseTimestamp(s[field], now);
      if (typeof t === "string") errors.push({ path: `${name}.${field}`, message: t });
      return typeof t === "number" ? t : NaN;
    };
    const start = at("start"), end = at("end");
    if (end <= start) errors.push({ path: `${name}.end`, message: `must be after ${name}.start` });
    else if (end - start > MAX_SPAN_MS) errors.push({ path: `${name}.end`, message: `the window is ${Math.round((end - start) / 3600_000)} h long; at most 24 h` });
    return { start: floorMinute(start), end: ceilMinute(end), ...(s.hosts ? { hosts: [...new Set(s.hosts)] } : {}), ...(s.version ? { version: s.version } : {}) };
  };
  const out = { control: side("control", control), experiment: side("experiment", experiment) };
  if (errors.length > 0) throw new AppError("VALIDATION_FAILED", `${errors[0]!.path}: ${errors[0]!.message}`, errors);
  return out;
}

const overlap = (a: Side, b: Side) => a.start < b.end && b.start < a.end;

/**
 * The baseline and candidate as the engine reads them. Windows that overlap are a concurrent comparison and must be
 * split by hosts or version (a side that names none is "the rest"); apart, the control window is a fixed reference,
 * as a rule's `pinned` baseline is.
 */
export function pairSides(control: Side, experiment: Side): { paired: PairedWindows; design: Design } {
  const spec = (s: Side): WindowSpec => ({ start: s.start, end: s.end, ...(s.hosts ? { hosts: s.hosts } : {}), ...(s.version ? { version: s.version } : {}) });
  if (!overlap(control, experiment)) {
    const label = `the control window ${describe(control)}`;
    return { design: "reference", paired: { kind: "ok", baseline: spec(control), candidate: spec(experiment), label } };
  }
  const split = (message: string): never => {
    throw new AppError("VALIDATION_FAILED", `control: ${message}`, [{ path: "control", message }]);
  };
  if (!control.hosts && !control.version && !experiment.hosts && !experiment.version) {
    split("the windows overlap, so they must be told apart by hosts or version: name the experiment's (and optionally the control's)");
  }
  if ((control.hosts && experiment.version) || (control.version && experiment.hosts)) split("split both sides the same way: both by hosts or both by version");
  if (control.version !== undefined && control.version === experiment.version) split(`both sides name version '${control.version}' over overlapping minutes`);
  if (control.hosts && experiment.hosts && control.hosts.some((h) => experiment.hosts!.includes(h))) split("a host is on both sides over overlapping minutes");
  // A side that names nothing is the other side's complement over the same minutes.
  const rest = (s: Side, other: Side): WindowSpec =>
    s.hosts || s.version ? spec(s) : { start: s.start, end: s.end, ...(other.hosts ? { excludeHosts: other.hosts } : { excludeVersion: other.version! }) };
  const baseline = rest(control, experiment), candidate = rest(experiment, control);
  return { design: "concurrent", paired: { kind: "ok", baseline, candidate, label: `${control.hosts || control.version ? describe(control) : `the rest of the traffic (not ${describe(experiment).split(",")[0]})`} over the same minutes` } };
}

/** A side in words, for labels and summaries: "version 1.4", "hosts web-1, web-2", or the window. */
export function describe(s: Side): string {
  const who = s.version ? `version ${s.version}` : s.hosts ? `hosts ${s.hosts.join(", ")}` : "all traffic";
  return `${who}, ${new Date(s.start).toISOString()} to ${new Date(s.end).toISOString()}`;
}
