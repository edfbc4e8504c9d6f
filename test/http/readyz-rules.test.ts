import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
afterEach(() => svc?.close());

/** A rule file whose signal lacks its required fail floor: a reload must refuse the whole folder. */
const BAD_RULE = "name: broken\nmatch: { service: \"shop\" }\nsignals:\n  - name: errors\n    kind: error_rate\n";

describe("a refused rules reload is visible, not only in the log (issue 12, item 5)", () => {
  it("shows in /readyz (still 200), in GET /api/v1/rules and as a banner on the dashboard board", async () => {
    svc = createTestService();
    const ready = (await (await svc.request("GET", "/readyz")).json()) as Record<string, any>;
    expect(ready.rules).toMatchObject({ status: "ok" });

    writeFileSync(join(svc.config.rulesDir, "broken.yaml"), BAD_RULE);
    expect(svc.container.rules.reload()).toBe(false);

    const res = await svc.request("GET", "/readyz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("degraded");
    expect(body.rules).toMatchObject({ status: "refused" });
    expect(body.rules.files).toEqual([expect.stringMatching(/broken\.yaml$/)]);
    expect(body.rules.error).toMatch(/broken\.yaml: signals\[0\]\.fail: required/);

    const rules = (await (await svc.request("GET", "/api/v1/rules")).json()) as Record<string, any>;
    expect(rules.last_reload).toMatchObject({ status: "refused" });
    // The rules in force are the ones before the bad file.
    expect(rules.rules.map((r: any) => r.name)).toEqual(["default"]);
    expect(rules.rules[0]).toMatchObject({ mode: "enforce", signals: [{ name: "error_rate", mode: "enforce" }, { name: "latency", mode: "enforce" }] });

    const board = await (await svc.app.request("/?lang=en", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(board).toContain("data-rules-refused");
    expect(board).toMatch(/The rules folder was not reloaded: [^<]*broken\.yaml has a problem/);

    writeFileSync(join(svc.config.rulesDir, "broken.yaml"), BAD_RULE.replace("kind: error_rate\n", "kind: error_rate\n    fail: { relative: 0.5 }\n"));
    expect(svc.container.rules.reload()).toBe(true);
    expect(((await (await svc.request("GET", "/readyz")).json()) as Record<string, any>).rules).toMatchObject({ status: "ok" });
    expect(await (await svc.app.request("/?lang=en", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()).not.toContain("data-rules-refused");
  });

  it("GET /api/v1/rules needs a token", async () => {
    svc = createTestService();
    const res = await svc.app.request("/api/v1/rules");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
