import type { VerdictView } from "../verdicts/verdict-view.ts";

/**
 * The Flagger webhook types that gate a canary. Flagger sends phase "Progressing" to all of them, so the payload
 * cannot tell them apart: the Canary names its type in `metadata.hook` (default rollout).
 */
export const FLAGGER_GATE_HOOKS = ["confirm-rollout", "pre-rollout", "rollout", "confirm-traffic-increase", "confirm-promotion"] as const;
export type FlaggerGateHook = (typeof FLAGGER_GATE_HOOKS)[number];

export interface GateAnswer {
  advance: boolean;
  reason: string;
}

const target = (v: VerdictView) => `${v.service} ${v.version} in ${v.environment}`;

/**
 * Whether a canary step may go on, from the release's verdict view. During the analysis an unjudged release
 * advances and only failing checks halt, since each halt counts towards Flagger's rollback. Promotion waits while
 * the window is open; a pending release (window not opened) does not hold it, or promotion would wait forever.
 */
export function canaryStepAnswer(hook: Exclude<FlaggerGateHook, "confirm-rollout" | "pre-rollout">, v: VerdictView): GateAnswer {
  const failing = v.checks.filter((c) => c.status === "fail");
  switch (v.status) {
    case "pass":
    case "warn":
      return { advance: true, reason: `${target(v)} is ${v.status}: ${v.summary}` };
    case "fail":
      return { advance: false, reason: `${target(v)} failed: ${v.summary}` };
    case "hold":
      return { advance: false, reason: `${target(v)} is on hold and needs a person: ${v.summary}` };
    case "pending":
    case "analyzing":
      if (hook === "confirm-promotion" && v.status === "analyzing") {
        return { advance: false, reason: `${target(v)} has no final verdict yet, so promotion waits: ${v.summary}` };
      }
      if (failing.length > 0) return { advance: false, reason: `${target(v)} fails its latest check: ${failing.map((c) => c.reason).join("; ")}` };
      return { advance: true, reason: `${target(v)} is ${v.status}; nothing fails so far.` };
  }
}

/** Flagger's rollback hook: 2xx means roll back now, so only a failed release (or an operator's rollback) says yes. */
export function rollbackAnswer(v: VerdictView): GateAnswer {
  if (v.status === "fail") return { advance: true, reason: `Roll back ${target(v)}: ${v.summary}` };
  return { advance: false, reason: `${target(v)} is ${v.status}; no rollback.` };
}
