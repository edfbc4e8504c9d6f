import { readFileSync } from "node:fs";
import { sharedData } from "../../support/shared-data.ts";
import { TEST_STORE, type TestService } from "../../support/test-service.ts";

export const GITLAB_TOKEN = "gitlab-secret-token-0123456789";
/** The plugin's published example (its licence is not stated: read from ../shared/data, never copied). */
export const SHARED_JENKINS = sharedData("webhooks/jenkins/jenkins_notification_plugin_example.json");

export const fixture = (path: string) => readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url), "utf8");
export const fixtureJson = (path: string) => JSON.parse(fixture(path)) as Record<string, any>;

/** Posts a webhook as the tool would: no admin token unless the test gives one, the body as exact bytes. */
export function postWebhook(svc: TestService, tool: string, body: string | object, headers: Record<string, string> = {}, query = ""): Promise<Response> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return Promise.resolve(svc.app.request(`/api/v1/webhooks/${tool}${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw }));
}

export async function ingestToken(svc: TestService): Promise<string> {
  const res = await svc.request("POST", "/api/v1/tokens", { name: "deploy tool", scope: "ingest" });
  return ((await res.json()) as { token: string }).token;
}

export interface StoredEvent {
  service: string;
  environment: string;
  version: string;
  phase: string;
  timestamp: number;
  event_id: string;
  deploy_id: string;
  payload: Record<string, unknown>;
}

/** Every stored deploy event with its release, in the order received (events are never updated, so ctid keeps it on PostgreSQL). */
export async function storedEvents(svc: TestService): Promise<StoredEvent[]> {
  const rows = await svc.sql<Omit<StoredEvent, "payload"> & { payload: string }>(
    `SELECT r.service, r.environment, r.version, e.phase, e.timestamp, e.event_id, e.deploy_id, e.payload
     FROM deploy_events e JOIN releases r ON r.id = e.release_id ORDER BY e.received_at, e.${TEST_STORE === "postgres" ? "ctid" : "rowid"}`,
  ).all();
  return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

export const rowCount = async (svc: TestService, table: string) => (await svc.sql<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).get())!.n;

export function deployRow(svc: TestService, id: string): Promise<Record<string, unknown> | undefined> {
  return svc.sql("SELECT * FROM deploys WHERE id = ?").get(id);
}
