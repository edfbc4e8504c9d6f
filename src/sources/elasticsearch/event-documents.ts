import { createHash } from "node:crypto";
import type { DeployEventOut, VerdictEventOut } from "../event-sink.ts";

/** One document of the events index, ECS-like so Kibana annotations and Discover read it without a mapping of ours. */
export interface EventDocument {
  "@timestamp": string;
  event: { kind: "event"; category: ["configuration"]; type: ["change"] | ["info"]; action: string; dataset: string; outcome?: "success" | "failure" | "unknown" };
  service: { name: string; environment: string; version: string };
  "deploy-guard": { release_id: string; phase?: string; status?: string; score?: number | null; final?: boolean };
  message: string;
  tags: string[];
}

const OUTCOMES: Record<string, "success" | "failure" | "unknown"> = { pass: "success", warn: "success", fail: "failure", hold: "unknown" };

export function deployDocument(e: DeployEventOut): EventDocument {
  return {
    "@timestamp": new Date(e.at).toISOString(),
    event: { kind: "event", category: ["configuration"], type: ["change"], action: `deploy-${e.phase}`, dataset: "deploy_guard.deploy" },
    service: { name: e.service, environment: e.environment, version: e.version },
    "deploy-guard": { release_id: e.release_id, phase: e.phase },
    message: `Deploy of ${e.service} ${e.version} in ${e.environment}: ${e.phase.replace("_", " ")}.`,
    tags: ["deploy-guard", "deploy"],
  };
}

export function verdictDocument(v: VerdictEventOut): EventDocument {
  const outcome = OUTCOMES[v.status];
  return {
    "@timestamp": new Date(v.at).toISOString(),
    event: { kind: "event", category: ["configuration"], type: ["info"], action: `verdict-${v.status}`, dataset: "deploy_guard.verdict", ...(outcome ? { outcome } : {}) },
    service: { name: v.service, environment: v.environment, version: v.version },
    "deploy-guard": { release_id: v.release_id, status: v.status, score: v.score, final: v.final },
    message: v.summary,
    tags: ["deploy-guard", "verdict", v.final ? "final" : "interim"],
  };
}

/** A stable id per event, so a retried `create` of an already indexed event is a 409, not a duplicate annotation. */
export function documentId(doc: EventDocument): string {
  const g = doc["deploy-guard"];
  return createHash("sha256").update(`${g.release_id}\n${doc.event.action}\n${doc["@timestamp"]}\n${g.final ?? ""}`).digest("base64url").slice(0, 24);
}
