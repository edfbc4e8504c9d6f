import type { v1 } from "@datadog/datadog-api-client";
import type { EventSink } from "../event-sink.ts";
import { metricTagValue } from "./query-template.ts";

export type DeployEvent = Parameters<EventSink["deploy"]>[0];
export type VerdictEvent = Parameters<EventSink["verdict"]>[0];

const TITLE_MAX = 100;
const TEXT_MAX = 4000;

const VERDICT_ALERT: Record<string, v1.EventAlertType> = { pass: "success", warn: "warning", fail: "error", hold: "warning" };
const DEPLOY_ALERT: Record<string, v1.EventAlertType> = { started: "info", finished: "success", failed: "error", rolled_back: "warning" };

/** Tags a monitor or graph overlay filters on, e.g. `deploy-guard:verdict status:fail service:checkout`. */
function releaseTags(e: { service: string; environment: string; version: string }): string[] {
  return [`service:${metricTagValue(e.service)}`, `env:${metricTagValue(e.environment)}`, `version:${metricTagValue(e.version)}`];
}

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Datadog notifies every @handle in an event's title or text; a name like "@slack-ops" must read as text, not page. */
export const neutralizeHandles = (s: string) => s.replace(/(^|[^\w.])@/g, "$1\uFF20");

/** One event per release in a stream: Datadog groups events with the same aggregation key. */
const aggregationKey = (releaseId: string) => clip(`deploy-guard:${releaseId}`, 100);

function releaseLink(publicUrl: string | undefined, releaseId: string): string[] {
  return publicUrl ? [`${publicUrl.replace(/\/$/, "")}/releases/${encodeURIComponent(releaseId)}`] : [];
}

export function deployEventBody(e: DeployEvent, publicUrl: string | undefined): v1.EventCreateRequest {
  return {
    title: clip(neutralizeHandles(`Deploy ${e.phase.replace(/_/g, " ")}: ${e.service} ${e.version} in ${e.environment}`), TITLE_MAX),
    text: clip([neutralizeHandles(`${e.service} ${e.version} in ${e.environment}: deploy ${e.phase.replace(/_/g, " ")}.`), ...releaseLink(publicUrl, e.release_id)].join("\n"), TEXT_MAX),
    dateHappened: Math.floor(e.at / 1000),
    tags: [...releaseTags(e), "deploy-guard:deploy", `phase:${metricTagValue(e.phase)}`],
    alertType: DEPLOY_ALERT[e.phase] ?? "info",
    aggregationKey: aggregationKey(e.release_id),
  };
}

export function verdictEventBody(v: VerdictEvent, publicUrl: string | undefined): v1.EventCreateRequest {
  const stage = v.final ? "verdict" : "interim check";
  const score = v.score === null ? [] : [`Score: ${Math.round(v.score)}`];
  return {
    title: clip(neutralizeHandles(`${v.status.toUpperCase()} ${stage}: ${v.service} ${v.version} in ${v.environment}`), TITLE_MAX),
    text: clip([neutralizeHandles(v.summary), ...score, ...releaseLink(publicUrl, v.release_id)].join("\n"), TEXT_MAX),
    dateHappened: Math.floor(v.at / 1000),
    tags: [...releaseTags(v), "deploy-guard:verdict", `status:${metricTagValue(v.status)}`, `final:${v.final}`],
    alertType: VERDICT_ALERT[v.status] ?? "info",
    aggregationKey: aggregationKey(v.release_id),
  };
}
