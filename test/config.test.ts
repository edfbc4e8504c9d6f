import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("has the documented defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, dbPath: "./data/deploy-guard.db", rulesDir: "./rules", apiToken: undefined, openReads: false });
  });

  it("names every bad variable with the value it got", () => {
    let message = "";
    try {
      loadConfig({ PORT: "eighty", DEPLOY_GUARD_OPEN_READS: "maybe", DEPLOY_GUARD_API_TOKEN: "short" });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('PORT: Invalid input: expected number, received NaN (got "eighty")');
    expect(message).toMatch(/DEPLOY_GUARD_OPEN_READS: .*\(got "maybe"\)/);
    expect(message).toContain("DEPLOY_GUARD_API_TOKEN: must be at least 16 characters (value hidden)");
    expect(message).not.toContain("short");
  });

  it("requires a signing secret with a webhook", () => {
    expect(() => loadConfig({ DEPLOY_GUARD_WEBHOOK_URL: "https://hooks.example.com/x" })).toThrow(/DEPLOY_GUARD_WEBHOOK_SECRET/);
  });
});
