import { existsSync, readFileSync } from "node:fs";
import type { TestService } from "../../support/test-service.ts";

export const GITLAB_TOKEN = "gitlab-secret-token-0123456789";
export const SHARED_JENKINS = new URL("../../../../shared/data/webhooks/jenkins/jenkins_notification_plugin_example.json", import.meta.url).pathname;
export const sharedJenkinsPresent = existsSync(SHARED_JENKINS);

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

/** Every stored deploy event with its release, in the order received. */
export function storedEvents(svc: TestService): StoredEvent[] {
  return svc.container.db.$client
    .prepare(
      `SELECT r.service, r.environment, r.version, e.phase, e.timestamp, e.event_id, e.deploy_id, e.payload
       FROM deploy_events e JOIN releases r ON r.id = e.release_id ORDER BY e.rowid`,
    )
    .all()
    .map((row) => {
      const r = row as Omit<StoredEvent, "payload"> & { payload: string };
      return { ...r, payload: JSON.parse(r.payload) as Record<string, unknown> };
    });
}

export const rowCount = (svc: TestService, table: string) => (svc.container.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

export function deployRow(svc: TestService, id: string) {
  return svc.container.db.$client.prepare("SELECT * FROM deploys WHERE id = ?").get(id) as Record<string, unknown> | undefined;
}
