import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { ADMIN_TOKEN } from "../../support/test-service.ts";
import { exampleOf, type Components, type JsonSchema } from "./schema-example.ts";

export const GITHUB_SECRET = "corpus-github-secret-0123456789";
export const GITLAB_TOKEN = "corpus-gitlab-token-0123456789";
export const SLACK_SECRET = "corpus-slack-signing-secret-0123";

/** One operation of the served OpenAPI document, with what a valid call sends. */
export interface Seed {
  method: string;
  path: string;
  /** Names a second seed of the same operation (another event of the same webhook). */
  label?: string;
  headers?: Record<string, string>;
  params: { name: string; in: "path" | "query"; schema: JsonSchema; required: boolean }[];
  body?: { type: "json" | "form"; valid: unknown; contentType: string };
}

export interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Seed["params"]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  components: { schemas: Components };
}

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../../fixtures/webhooks/${path}`, import.meta.url), "utf8")) as Record<string, any>;

/** Valid bodies where an example from the schema alone would be refused for its meaning (times, phases, references). */
function validBodies(now: number, releaseId: string): Record<string, unknown> {
  const ts = new Date(now - 60_000).toISOString();
  const deploy = { service: "web", version: "1", phase: "started", timestamp: ts, hosts: ["h1"], url: "https://ci.example.com/1", event_id: "corpus-1" };
  const github = fixture("github/deployment__payload.json");
  github.deployment.created_at = ts;
  return {
    "POST /api/v1/deploys": deploy,
    "POST /api/v1/deploys/batch": { events: [deploy, { ...deploy, phase: "finished", event_id: "corpus-2", batch: { index: 1, total: 2, hosts: ["h1"] } }] },
    "POST /api/v1/logs": { events: [{ timestamp: ts, service: "web", status: 200, latency_ms: 5, level: "info", host: "h1", route: "/", message: "m" }] },
    "POST /api/v1/metrics": { samples: [{ name: "cpu", value: 1, timestamp: ts, service: "web", host: "h1", tags: { a: "b" } }] },
    "POST /api/v1/tokens": { name: "corpus", scope: "read", services: ["web*"] },
    "POST /api/v1/releases/{id}/decision": { action: "hold", reason: "corpus" },
    "POST /api/v1/releases/{id}/rollback/resolution": { resolution: "done", reason: "corpus" },
    "POST /api/v1/webhooks/github": github,
    "POST /api/v1/webhooks/gitlab": { ...fixture("gitlab/go-gitlab__testdata__webhooks__deployment.json"), status_changed_at: ts.replace("T", " ").replace(/\.\d+Z$/, " +0000") },
    "POST /api/v1/webhooks/argocd": { app: "web", phase: "Running", namespace: "prod", revision: "a".repeat(40), started_at: ts },
    "POST /api/v1/webhooks/flagger": { ...fixture("flagger/event-progressing.json"), metadata: { ...fixture("flagger/event-progressing.json").metadata, timestamp: String(now - 60_000) } },
    "POST /api/v1/webhooks/jenkins": { ...fixture("jenkins/deploy-job-started.json") },
    "POST /api/v1/webhooks/spinnaker": fixture("spinnaker/webhook-stage-started.json"),
    "POST /api/v1/slack/interactions": { payload: JSON.stringify({ type: "block_actions", user: { id: "U1", name: "u" }, actions: [{ action_id: "deploy_guard_approve", value: releaseId, action_ts: "1" }] }) },
    "POST /login": { token: ADMIN_TOKEN, next: "/" },
    "POST /logout": { csrf: "x" },
    "POST /releases/{id}/decision": { action: "hold", reason: "corpus", csrf: "x" },
  };
}

/** Every operation the app documents; the webhook route once per tool. */
export function seedsFrom(doc: OpenApi, now: number, releaseId: string): Seed[] {
  const bodies = validBodies(now, releaseId);
  const seeds: Seed[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const expanded = path === "/api/v1/webhooks/{tool}" ? ["github", "gitlab", "argocd", "flagger", "jenkins", "spinnaker"].map((t) => `/api/v1/webhooks/${t}`) : [path];
      for (const p of expanded) {
        const params = (op.parameters ?? []).filter((x) => !(p !== path && x.name === "tool"));
        const content = op.requestBody?.content ?? {};
        const type = Object.keys(content)[0];
        const key = `${method.toUpperCase()} ${p}`;
        const seed: Seed = { method: method.toUpperCase(), path: p, params, ...(p.endsWith("/github") ? { headers: { "x-github-event": "deployment" } } : {}) };
        if (type) {
          const valid = bodies[key] ?? exampleOf(content[type]!.schema, doc.components.schemas);
          seed.body = { type: type.includes("form") ? "form" : "json", valid, contentType: type };
        }
        seeds.push(seed);
      }
    }
  }
  return [...seeds, ...moreWebhookEvents(now, seeds)];
}

/** The other events each tool sends, so the corpus reaches every branch of every adapter, not only the first. */
function moreWebhookEvents(now: number, seeds: Seed[]): Seed[] {
  const ts = new Date(now - 60_000).toISOString();
  const at = (path: string) => seeds.find((s) => s.path === path)!;
  const more = (path: string, label: string, valid: unknown, headers: Record<string, string> = {}): Seed => ({ ...at(path), label: `${path} ${label}`, headers, body: { type: "json", valid, contentType: "application/json" } });
  const status = fixture("github/deployment_status__payload.json");
  status.deployment.created_at = ts;
  status.deployment_status.updated_at = ts;
  const protection = fixture("github/deployment_protection_rule__requested.written-here.json");
  const flagger = fixture("flagger/event-succeeded.json");
  return [
    more("/api/v1/webhooks/github", "deployment_status", status, { "x-github-event": "deployment_status" }),
    more("/api/v1/webhooks/github", "deployment_protection_rule", protection, { "x-github-event": "deployment_protection_rule" }),
    more("/api/v1/webhooks/gitlab", "pipeline", fixture("gitlab/go-gitlab__testdata__webhooks__pipeline.json")),
    more("/api/v1/webhooks/argocd", "succeeded", { app: "web", phase: "Succeeded", health: "Healthy", namespace: "prod", revision: "b".repeat(40), started_at: ts, finished_at: ts, url: "https://argo.example.com/app" }),
    more("/api/v1/webhooks/flagger", "succeeded", { ...flagger, metadata: { ...flagger.metadata, timestamp: String(now - 30_000) } }),
    more("/api/v1/webhooks/jenkins", "finalized", fixture("jenkins/deploy-job-finalized-failure.json")),
    more("/api/v1/webhooks/spinnaker", "batch", fixture("spinnaker/webhook-stage-batch-finished.json")),
  ];
}

/** The credentials a real caller of this path sends, signed over the exact body where the tool signs. */
export function credentials(path: string, body: string, now: number): Record<string, string> {
  if (path.endsWith("/webhooks/github")) {
    return { "x-github-delivery": "d-1", "x-hub-signature-256": `sha256=${createHmac("sha256", GITHUB_SECRET).update(body).digest("hex")}` };
  }
  if (path.endsWith("/webhooks/gitlab")) return { "x-gitlab-token": GITLAB_TOKEN };
  if (path.endsWith("/slack/interactions")) {
    const ts = String(Math.floor(now / 1000));
    return { "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${createHmac("sha256", SLACK_SECRET).update(`v0:${ts}:${body}`).digest("hex")}` };
  }
  return { authorization: `Bearer ${ADMIN_TOKEN}` };
}
