import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, SECRET_VARS } from "../../src/config.ts";
import { failingRelease, MIN, START, tokenFor } from "../decisions/release-fixtures.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { sessionCookie } from "./sign-in.ts";

function secretValue(name: string): string {
  const marker = `S3CR3T${name.replace(/\W/g, "").toLowerCase()}x9`;
  if (name.endsWith("_URL")) return `https://${marker}.example.invalid/${marker}`;
  return name.endsWith("_CLOUD_ID") ? `${marker}:${Buffer.from(`${marker}.example.invalid$abc$def`).toString("base64")}` : marker;
}

/** A recognisable value for every secret variable; URLs stay URLs so the configuration accepts them. */
function secretEnv(): Record<string, string> {
  const env: Record<string, string> = { DEPLOY_GUARD_SLACK_CHANNEL: "#deploys", DEPLOY_GUARD_HIPCHAT_URL: "https://hipchat.example.invalid", DEPLOY_GUARD_HIPCHAT_ROOM: "ops" };
  for (const name of SECRET_VARS) {
    env[name] = secretValue(name);
  }
  let last = "";
  const dropped = new Set<string>();
  for (let i = 0; i < 30; i++) {
    try {
      loadConfig(env);
      return env;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      last = err.message;
      const named = [...new Set(err.message.match(/DEPLOY_GUARD_\w+/g) ?? [])];
      if (named.length === 0) throw err;
      // A missing companion (a user name beside a password) is added; otherwise the clashing variables go.
      const missing = named.filter((n) => env[n] === undefined && !dropped.has(n));
      if (missing.length > 0) for (const name of missing) env[name] = SECRET_VARS.has(name) ? secretValue(name) : "dg-companion";
      else {
        for (const name of named) {
          delete env[name];
          dropped.add(name);
        }
      }
    }
  }
  throw new Error(`no secret configuration could be built: ${last}`);
}

let svc: TestService;
let env: Record<string, string>;
let releaseId: string;
let operator: string;

beforeAll(async () => {
  env = secretEnv();
  svc = createTestService({ now: START + 40 * MIN, env });
  const asAdmin = { ...svc, request: (m: string, p: string, b?: unknown, h: Record<string, string> = {}) => svc.request(m, p, b, { authorization: `Bearer ${env.DEPLOY_GUARD_API_TOKEN}`, ...h }) };
  releaseId = await failingRelease(asAdmin);
  await svc.container.verdicts.runDue();
  operator = await tokenFor(asAdmin, "ops-alice", "operator");
});
afterAll(() => svc?.close());

describe("no secret reaches a page", () => {
  it("renders every page, as an operator and as the admin, without any secret value or the session token", async () => {
    for (const core of ["DEPLOY_GUARD_API_TOKEN", "DEPLOY_GUARD_WEBHOOK_SECRET", "DEPLOY_GUARD_SLACK_WEBHOOK_URL", "DEPLOY_GUARD_ROLLBACK_SECRET"]) expect(env[core], core).toBeDefined();
    const secrets = [...SECRET_VARS].filter((n) => env[n]).map((n) => env[n]!);
    for (const token of [operator, env.DEPLOY_GUARD_API_TOKEN!]) {
      for (const path of ["/", "/board.json", `/releases/${releaseId}`, "/services/pay", "/services/pay?hours=168", "/login", "/releases/nope"]) {
        const cookie = await sessionCookie(svc, token);
        const res = await svc.app.request(path, { headers: { cookie } });
        expect(res.status, path).toBeLessThan(500);
        const body = await res.text();
        for (const secret of [...secrets, operator, cookie.slice("dg_session=".length)]) expect(body.includes(secret), `${path} shows ${secret.slice(0, 12)}…`).toBe(false);
      }
    }
  });
});

describe("dashboard assets", () => {
  it("serves uPlot from the service itself with a year-long cache, and lists the pages in /openapi.json", async () => {
    const res = await svc.app.request("/assets/uplot.min.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await res.text()).toBe(readFileSync(createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js"), "utf8"));
    expect((await svc.app.request("/assets/nothing.js")).status).toBe(404);
    const doc = (await (await svc.app.request("/openapi.json")).json()) as any;
    for (const path of ["/", "/board.json", "/login", "/logout", "/services/{service}", "/releases/{id}", "/releases/{id}/decision"]) expect(Object.keys(doc.paths), path).toContain(path);
  });
});
