/**
 * Where deploy events and verdicts are sent for dashboards people already watch (Kibana annotations, Datadog events).
 * Implementations never throw to the caller's harm: a failure to post never blocks or fails a verdict.
 */
export interface EventSink { deploy(event: { release_id: string; service: string; environment: string; version: string; phase: string; at: number }): Promise<void>; verdict(v: { release_id: string; service: string; environment: string; version: string; status: string; summary: string; score: number | null; at: number; final: boolean }): Promise<void> }

export type DeployEventOut = Parameters<EventSink["deploy"]>[0];
export type VerdictEventOut = Parameters<EventSink["verdict"]>[0];

/** Sends each event to every configured sink; never rejects, so a sink's failure cannot reach the caller. */
export function fanOut(sinks: EventSink[]): EventSink {
  const all = (send: (s: EventSink) => Promise<void>) => Promise.all(sinks.map((s) => send(s).catch(() => undefined))).then(() => undefined);
  return { deploy: (e) => all((s) => s.deploy(e)), verdict: (v) => all((s) => s.verdict(v)) };
}

/** No sink configured: every event is dropped at once. */
export const NO_EVENTS: EventSink = { deploy: () => Promise.resolve(), verdict: () => Promise.resolve() };
