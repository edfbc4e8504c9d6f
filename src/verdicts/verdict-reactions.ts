import type { Rule } from "../rules/rule-schema.ts";
import type { VerdictContent } from "../notify/notification-payload.ts";
import type { EventSink } from "../sources/event-sink.ts";
import type { FinalVerdictHook, RecordedVerdict, ReleaseIdentity, VerdictReaction } from "./verdict-types.ts";

/** The part of the notification outbox (src/notify/notification-outbox.ts) a verdict needs. */
export interface VerdictOutbox {
  enqueue(release: ReleaseIdentity, content: VerdictContent, rule: Rule | undefined, now: number): Promise<boolean>;
}

const decided = (v: RecordedVerdict): v is RecordedVerdict & { verdict: VerdictContent } => v.verdict.status !== "analyzing";

/** The rule's rollback for a final engine verdict, requested in its transaction: at most one per release (rollbacks table key). */
export function rollbackReaction(hook: FinalVerdictHook): VerdictReaction {
  return {
    name: "rollback",
    runs: "in-transaction",
    async react(v) {
      if (v.kind !== "final" || !v.rule || !decided(v)) return;
      await hook.onFinalVerdict(v.release, v.verdict.status, v.verdict.summary, v.rule, v.now);
    },
  };
}

/**
 * Alerts (Slack, HipChat, webhook, GitHub deployment statuses) queued in the outbox with the verdict, so a verdict is
 * never stored without its alert or alerted twice; `deliver` sends what is due once the transaction has ended (the
 * recorder runs the kick this returns).
 */
export function alertReaction(outbox: VerdictOutbox, deliver: () => void): VerdictReaction {
  return {
    name: "alerts",
    runs: "in-transaction",
    async react(v) {
      if (v.kind === "interim" || !decided(v)) return;
      if (await outbox.enqueue(v.release, v.verdict, v.rule, v.now)) return deliver;
    },
  };
}

/** Datadog events and Kibana annotations: after commit, of decided verdicts and of interim changes, never of every look. */
export function eventSinkReaction(sink: EventSink): VerdictReaction {
  return {
    name: "event-sinks",
    runs: "after-commit",
    react(v) {
      if (v.kind === "batch" || !v.changed) return Promise.resolve();
      const { release, verdict } = v;
      return sink.verdict({ release_id: release.id, service: release.service, environment: release.environment, version: release.version,
        status: verdict.status, summary: verdict.summary, score: verdict.score, at: v.now, final: v.kind !== "interim" });
    },
  };
}
