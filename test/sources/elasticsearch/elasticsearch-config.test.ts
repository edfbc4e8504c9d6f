import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.ts";
import { elasticsearchQuerySchema } from "../../../src/sources/elasticsearch/query-schema.ts";

const messageOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
  }
  throw new Error("expected a ConfigError");
};

describe("Elasticsearch configuration", () => {
  it("reads the connection, credentials, bounds and events index from the environment", () => {
    const c = loadConfig({ DEPLOY_GUARD_ES_URL: "https://es.internal:9200", DEPLOY_GUARD_ES_USERNAME: "guard", DEPLOY_GUARD_ES_PASSWORD: "pw-123456", DEPLOY_GUARD_ES_TIMEOUT_MS: "3000", DEPLOY_GUARD_ES_EVENTS_INDEX: "deploy-guard-events" });
    expect(c.elasticsearch).toEqual({ target: { node: "https://es.internal:9200" }, auth: { username: "guard", password: "pw-123456" }, timeoutMs: 3000, eventsIndex: "deploy-guard-events" });
    expect(loadConfig({}).elasticsearch).toBeUndefined();
  });

  it.each([
    [{ DEPLOY_GUARD_ES_URL: "http://a:9200", DEPLOY_GUARD_ES_CLOUD_ID: "prod:ZXhhbXBsZQ==" }, "DEPLOY_GUARD_ES_URL, DEPLOY_GUARD_ES_CLOUD_ID: set one, not both"],
    [{ DEPLOY_GUARD_ES_URL: "http://a:9200", DEPLOY_GUARD_ES_USERNAME: "guard" }, "DEPLOY_GUARD_ES_USERNAME, DEPLOY_GUARD_ES_PASSWORD: set both or neither"],
    [{ DEPLOY_GUARD_ES_EVENTS_INDEX: "deploy-guard-events" }, "DEPLOY_GUARD_ES_URL: required (or DEPLOY_GUARD_ES_CLOUD_ID) when other DEPLOY_GUARD_ES_ variables are set"],
  ])("refuses an inconsistent setting: %j", (env, message) => {
    expect(messageOf(env)).toContain(message);
  });

  it("never echoes a bad secret value", () => {
    const message = messageOf({ DEPLOY_GUARD_ES_URL: "not a url with s3cret", DEPLOY_GUARD_ES_API_KEY: "short" });
    expect(message).toContain("DEPLOY_GUARD_ES_API_KEY");
    expect(message).toContain("value hidden");
    expect(message).not.toMatch(/short|s3cret/);
  });

  it("a rule's query block needs at least one way to tell an error", () => {
    const parsed = elasticsearchQuerySchema.safeParse({ index: "logs-*", errors: { status_at_least: null, levels: [] } });
    expect(parsed.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual(["errors: give status_at_least or levels, or nothing would count as an error"]);
  });
});
