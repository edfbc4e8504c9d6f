import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_BODY_CAPS } from "../../../src/deploys/adapters/body-caps.ts";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { fixture as githubFixture } from "../github/github-support.ts";
import { fixture, GITLAB_TOKEN, ingestToken, rowCount } from "./webhook-support.ts";

const SECRET = "github-webhook-secret-for-caps-0123";
const MB = 1024 * 1024;
const CHUNK = new Uint8Array(64 * 1024).fill(0x20);

let svc: TestService;
let ingest: string;
beforeAll(async () => {
  svc = createTestService({ env: { DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: SECRET, DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN } });
  ingest = await ingestToken(svc);
});
afterAll(() => svc.close());

/** A body of `size` bytes made as it is pulled, so the test holds no copy of it; pulled() says how much the server read. */
function lazyBody(size: number) {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(CHUNK.length, size - sent);
      sent += n;
      controller.enqueue(CHUNK.subarray(0, n));
    },
  });
  return { stream, pulled: () => sent };
}

/** Posts a streamed body; with `declare` it carries a Content-Length, without it is sent chunked. */
async function post(path: string, size: number, headers: Record<string, string>, declare: boolean) {
  const body = lazyBody(size);
  const all = { "content-type": "application/json", ...headers, ...(declare ? { "content-length": String(size) } : {}) };
  const res = await svc.app.request(path, { method: "POST", headers: all, body: body.stream, duplex: "half" } as RequestInit);
  return { res, pulled: body.pulled() };
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(((await res.json()) as { detail: string }).detail).not.toBe("");
}

describe("webhook bodies are checked from headers first and capped per tool (issue 13, item 2)", () => {
  it("reads no body of 40 unauthenticated 31 MB requests, and RSS stays flat", async () => {
    const targets: [string, Record<string, string>][] = [
      ["/api/v1/webhooks/github", { "x-github-event": "deployment" }],
      ["/api/v1/webhooks/github", { "x-hub-signature-256": "sha256=zz" }],
      ["/api/v1/webhooks/gitlab", { "x-gitlab-token": "wrong-token-wrong-token" }],
      ["/api/v1/webhooks/jenkins", {}],
      ["/api/v1/webhooks/argocd", { authorization: "Bearer not-a-token-at-all" }],
      ["/api/v1/webhooks/flagger", {}],
      ["/api/v1/webhooks/spinnaker", {}],
      ["/api/v1/logs", {}],
    ];
    const before = process.memoryUsage().rss;
    let pulled = 0;
    for (let i = 0; i < 40; i++) {
      const [path, headers] = targets[i % targets.length]!;
      const sent = await post(path, 31 * MB, headers, i % 2 === 0);
      await expectProblem(sent.res, 401);
      pulled += sent.pulled;
    }
    const grown = process.memoryUsage().rss - before;
    // At most a chunk or two is pulled into a stream's queue before anyone reads; 40 × 31 MB were offered.
    expect(pulled).toBeLessThan(40 * 2 * CHUNK.length);
    expect(grown).toBeLessThan(16 * MB);
    expect(await rowCount(svc, "deploy_events")).toBe(0);
  });

  it("refuses a declared Content-Length over the tool's cap before reading, and stops a chunked one at the cap", async () => {
    const auth = { authorization: `Bearer ${ingest}` };
    const declared = await post("/api/v1/webhooks/jenkins", 31 * MB, auth, true);
    await expectProblem(declared.res, 413);
    expect(declared.pulled).toBeLessThanOrEqual(2 * CHUNK.length);
    const chunked = await post("/api/v1/webhooks/flagger", 31 * MB, auth, false);
    await expectProblem(chunked.res, 413);
    expect(chunked.pulled).toBeGreaterThan(WEBHOOK_BODY_CAPS.flagger);
    expect(chunked.pulled).toBeLessThanOrEqual(WEBHOOK_BODY_CAPS.flagger + 3 * CHUNK.length);
  });

  it("stops reading a GitHub body at 1 MB even with a well-formed signature header", async () => {
    const headers = { "x-github-event": "deployment", "x-hub-signature-256": `sha256=${"0".repeat(64)}` };
    const sent = await post("/api/v1/webhooks/github", 3 * MB, headers, false);
    await expectProblem(sent.res, 413);
    expect(sent.pulled).toBeLessThanOrEqual(WEBHOOK_BODY_CAPS.github + 3 * CHUNK.length);
  });

  it("checks the GitHub signature over the streamed bytes, a character split between chunks included", async () => {
    const body = githubFixture("deployment__payload.json");
    body.deployment.description = "Grüße aus München";
    body.deployment.payload = { service: "streamed" };
    body.deployment.created_at = new Date(svc.clock.now).toISOString();
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    const signature = `sha256=${createHmac("sha256", SECRET).update(bytes).digest("hex")}`;
    const send = (sig: string) => {
      let at = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.subarray(at, at + 7));
          at += 7;
        },
      });
      const headers = { "content-type": "application/json", "x-github-event": "deployment", "x-hub-signature-256": sig };
      return svc.app.request("/api/v1/webhooks/github", { method: "POST", headers, body: stream, duplex: "half" } as RequestInit);
    };
    const forged = await send(`sha256=${createHmac("sha256", "another-secret").update(bytes).digest("hex")}`);
    await expectProblem(forged, 401);
    const res = await send(signature);
    expect(res.status, await res.clone().text()).toBe(202);
    expect(((await res.json()) as { accepted: unknown[] }).accepted).toHaveLength(1);
  });

  it("still takes the tools' real payloads under their caps", async () => {
    const gitlab = fixture("gitlab/go-gitlab__testdata__webhooks__deployment.json").replace(/"status_changed_at": ?"[^"]+"/, '"status_changed_at": "2026-11-21 11:50:00 +0000"');
    const res = await svc.app.request("/api/v1/webhooks/gitlab", { method: "POST", headers: { "content-type": "application/json", "x-gitlab-token": GITLAB_TOKEN }, body: gitlab });
    expect(res.status, await res.clone().text()).toBe(202);
  });
});
