import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { RuleSchema } from "../../src/rules/rule-schema.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

const HOSTILE = ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "ftp://files.example.com/x", "JavaScript://%0aalert(1)"];

let svc: TestService | undefined;
afterEach(() => svc?.close());

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error("the configuration was accepted");
}

describe("URL fields accept only http and https", () => {
  const URL_VARS = ["DEPLOY_GUARD_PUBLIC_URL", "DEPLOY_GUARD_SLACK_WEBHOOK_URL", "DEPLOY_GUARD_SLACK_API_URL", "DEPLOY_GUARD_HIPCHAT_URL", "DEPLOY_GUARD_WEBHOOK_URL",
    "DEPLOY_GUARD_GITHUB_API_URL", "DEPLOY_GUARD_DD_BASE_URL", "DEPLOY_GUARD_ES_URL", "DEPLOY_GUARD_PROMETHEUS_URL"];

  it("refuses a javascript:, data:, file: or ftp: URL in any URL variable, naming the variable", () => {
    for (const name of URL_VARS) {
      for (const value of HOSTILE) {
        const message = configError({ [name]: value });
        expect(message, `${name}=${value}`).toContain(`${name}: must be an http:// or https:// URL`);
      }
    }
    expect(loadConfig({ DEPLOY_GUARD_PUBLIC_URL: "https://deploys.example.com" }).publicUrl).toBe("https://deploys.example.com");
  });

  it("refuses a rule whose rollback webhook is not http(s), naming the field", () => {
    const signals = [{ name: "error_rate", kind: "error_rate", fail: { relative: 0.5 } }];
    const rule = (url: string) => ({ name: "r", signals, actions: { rollback: { webhook: { url } } } });
    for (const value of HOSTILE) {
      const parsed = RuleSchema.safeParse(rule(value));
      expect(parsed.success, value).toBe(false);
      expect(parsed.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toContain(
        "actions.rollback.webhook.url: must be an http:// or https:// URL (other schemes such as javascript:, data: and file: are refused)");
    }
    expect(RuleSchema.safeParse(rule("https://deploy.example.com/rollback")).success).toBe(true);
  });

  it("answers a deploy event whose url is not http(s) with 422 naming the field, storing nothing", async () => {
    svc = createTestService();
    for (const url of HOSTILE) {
      const res = await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "started", url });
      expect(res.status, url).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(JSON.stringify(await res.json())).toContain("must be an http:// or https:// URL");
    }
    expect((await svc.sql("SELECT count(*) AS n FROM releases").get())).toEqual({ n: 0 });
    const ok = await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "started", url: "https://ci.example.com/builds/42" });
    expect(ok.status).toBe(202);
  });
});
