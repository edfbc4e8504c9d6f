import type { z } from "zod";
import type { RuleSchema } from "../rule-schema.ts";

/** A rule as written in YAML, before the schema fills in defaults: what an importer produces. */
export type RuleDraft = z.input<typeof RuleSchema>;
export type SignalDraft = RuleDraft["signals"][number];
export type FloorDraft = NonNullable<SignalDraft["fail"]>;

export interface ImportResult {
  rule: RuleDraft;
  /** What the source said that the rule does not carry, one sentence each; never a secret's value. */
  warnings: string[];
}

export interface ImportOptions {
  name?: string | undefined;
  service?: string | undefined;
  environment?: string | undefined;
  /** Values for the source's own placeholders: Keptn's $PROJECT, Argo's {{args.x}}. */
  set: Record<string, string>;
}

/**
 * The fail floor of a signal judged only on an absolute threshold (Keptn's "<600", Argo's conditions): a change
 * against the baseline never reaches it, so only `limit` fails the signal, as in the source.
 */
export const OUT_OF_REACH: FloorDraft = { relative: 1000, absolute: 0 };

/** A signal or rule name the schema accepts, from a free-form one ("success-rate" → "success_rate"). */
export function signalName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 63);
  return /^[a-z]/.test(name) ? name : `m_${name}`.slice(0, 63);
}

export function ruleName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[^a-z0-9]+|-+$/g, "").slice(0, 63);
  return name === "" ? "imported" : name;
}

/** Names made unique in order of appearance: error_rate, error_rate_2, … */
export function uniqueNames(): (name: string) => string {
  const seen = new Set<string>();
  return (name) => {
    let unique = name;
    for (let i = 2; seen.has(unique); i++) unique = `${name.slice(0, 60)}_${i}`;
    seen.add(unique);
    return unique;
  };
}

/** Points (one a minute) a metric window needs on each side: half the window, 3 to 20. */
export function minSamplesFor(minutes: number): number {
  return Math.max(3, Math.min(20, Math.floor(minutes / 2)));
}

/** Rounds away binary noise (0.1 + 0.2) so the YAML shows the numbers the source wrote. */
export const tidy = (x: number): number => Math.round(x * 1e9) / 1e9;

/** A bare selector may answer with several series (one per instance), which the Prometheus source refuses. */
export const isBareSelector = (query: string): boolean => /^[A-Za-z_:][A-Za-z0-9_:]*\s*(\{(?:[^{}]|\{\{[^{}]*\}\})*\})?$/.test(query.trim());

/** How a warning names a signal: by its rule name, and by the source's own name when that differs. */
export const signalLabel = (name: string, original: string, noun: string): string => (name === original ? `signal ${name}` : `signal ${name} (${noun} ${original})`);

export function matchFor(options: ImportOptions, warnings: Set<string>): { service: string; environment: string } {
  const service = options.service ?? "*";
  if (service === "*") {
    warnings.add("match: the rule covers every service (--service not given); beside rules/default.yaml, whichever file sorts first would win: pass --service NAME");
  }
  return { service, environment: options.environment ?? "*" };
}
