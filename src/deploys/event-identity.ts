import { AppError } from "../http/app-error.ts";
import type { DeployEventInput } from "./deploy-event.ts";

/** A stored deploy event, as the 409 shows it. */
export interface StoredDeployEvent {
  eventId: string;
  releaseId: string;
  deployId: string;
  phase: string;
  timestamp: number;
  receivedAt: number;
  payload: string;
}

/**
 * How a re-used event_id is judged. "content": identical means the same canonical JSON of the normalized event (after
 * validation: names trimmed, defaults filled, timestamps as epoch ms, keys sorted, absent fields left out), so
 * "2026-11-21T10:00:00Z" and 1795255200000 are the same event while any other difference is a conflict.
 * "step": for ids a deploy tool's adapter derives from one phase of one roll-out (Flagger's Progressing, Promoting and
 * Finalising share one "started"; Jenkins's COMPLETED and FINALIZED one end), identical means the same release, deploy
 * and phase; the first one's time stands.
 */
export type EventReuse = "content" | "step";

/** Keys sorted at every level and undefined left out, so two equal values print the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
}

const STEP_FIELDS = ["service", "environment", "version", "phase", "deploy_id"] as const;

function identical(stored: Record<string, unknown>, input: DeployEventInput, reuse: EventReuse): boolean {
  if (reuse === "step") return STEP_FIELDS.every((k) => stored[k] === input[k]);
  return canonicalJson(stored) === canonicalJson(input);
}

/** Throws 409 with the stored event when an event_id comes back with different content; an identical re-send passes. */
export function requireSameEvent(stored: StoredDeployEvent, input: DeployEventInput, reuse: EventReuse = "content"): void {
  const payload = JSON.parse(stored.payload) as Record<string, unknown>;
  if (identical(payload, input, reuse)) return;
  const differs = Object.keys({ ...payload, ...input })
    .filter((k) => canonicalJson(payload[k]) !== canonicalJson((input as Record<string, unknown>)[k]))
    .sort();
  throw new AppError(
    "CONFLICT",
    `event_id '${stored.eventId}' was already used for a different event (${differs.join(", ")} differ${differs.length === 1 ? "s" : ""}); ` +
      "send a new event_id for a new event, or the stored event unchanged to re-send it.",
    differs.map((path) => ({ path, message: "differs from the stored event" })),
    {
      stored_event: {
        event_id: stored.eventId,
        release_id: stored.releaseId,
        deploy_id: stored.deployId,
        phase: stored.phase,
        timestamp: new Date(stored.timestamp).toISOString(),
        received_at: new Date(stored.receivedAt).toISOString(),
        event: payload,
      },
    },
  );
}
