import { afterEach, describe, expect, it } from "vitest";
import { MIN, START, tokenFor } from "../decisions/release-fixtures.ts";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";
import { sessionCookie } from "./sign-in.ts";

let svc: TestService | undefined;
afterEach(() => svc?.close());

const HOUR = 60 * MIN;

function setUp(env: Record<string, string> = {}) {
  svc = createTestService({ now: START, env });
  return svc;
}

/** 200 when the cookie still signs someone in; a signed-out browser is sent to /login. */
const boardStatus = async (s: TestService, cookie: string) => (await s.app.request("/?lang=en", { headers: { cookie } })).status;

function signOut(s: TestService, cookie: string, csrf: string) {
  return s.app.request("/logout", {
    method: "POST", body: new URLSearchParams({ csrf }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost", cookie },
  });
}

const csrfOf = async (s: TestService, cookie: string) =>
  (await (await s.app.request("/?lang=en", { headers: { cookie } })).text()).match(/name="csrf" value="([^"]+)"/)![1]!;

describe("dashboard sessions", () => {
  it("keeps a random session id in the cookie, stores only its hash with the token id and expiry, never the token", async () => {
    const s = setUp();
    const reader = await tokenFor(s, "support-lead", "read");
    const cookie = await sessionCookie(s, reader);
    const id = cookie.slice("dg_session=".length);
    expect(id).not.toContain(reader);
    expect(await sessionCookie(s, reader)).not.toBe(cookie);
    const rows = (await s.sql("SELECT * FROM dashboard_sessions").all()) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ token_id: (await s.container.tokens.identify(reader))!.id, created_at: START, last_seen_at: START, expires_at: START + 12 * HOUR });
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain(reader);
    expect(await boardStatus(s, cookie)).toBe(200);
  });

  it("does not accept the API token itself as the cookie", async () => {
    const s = setUp();
    const reader = await tokenFor(s, "support-lead", "read");
    expect(await boardStatus(s, `dg_session=${reader}`)).toBe(303);
    expect(await boardStatus(s, `dg_session=${ADMIN_TOKEN}`)).toBe(303);
  });

  it("revokes the session at logout, so the old cookie signs nobody in afterwards", async () => {
    const s = setUp();
    const cookie = await sessionCookie(s, await tokenFor(s, "ops-alice", "operator"));
    const out = await signOut(s, cookie, await csrfOf(s, cookie));
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^dg_session=; Max-Age=0; Path=\//);
    expect(await boardStatus(s, cookie)).toBe(303);
    const json = await s.app.request("/board.json", { headers: { cookie } });
    expect(json.status).toBe(401);
    expect((await s.sql("SELECT count(*) AS n FROM dashboard_sessions").get())).toEqual({ n: 0 });
  });

  it("ends every session of a token when the token is revoked, from the very next page", async () => {
    const s = setUp();
    const operator = await tokenFor(s, "ops-alice", "operator");
    const other = await sessionCookie(s, await tokenFor(s, "ops-bob", "operator"));
    const [laptop, phone] = [await sessionCookie(s, operator), await sessionCookie(s, operator)];
    expect(await boardStatus(s, laptop)).toBe(200);
    const tokenId = (await s.container.tokens.identify(operator))!.id;
    await s.container.tokens.revoke(tokenId);
    expect(await boardStatus(s, laptop)).toBe(303);
    expect(await boardStatus(s, phone)).toBe(303);
    expect(await boardStatus(s, other)).toBe(200);
    expect(await s.container.sessions.revokeForToken(tokenId)).toBe(2);
  });

  it("ends a session after the idle timeout, and at its expiry however busy it is", async () => {
    const s = setUp({ DEPLOY_GUARD_SESSION_HOURS: "2", DEPLOY_GUARD_SESSION_IDLE_MINUTES: "30" });
    const reader = await tokenFor(s, "support-lead", "read");
    const busy = await sessionCookie(s, reader);
    const idle = await sessionCookie(s, reader);
    for (const minutes of [25, 50, 75, 100]) {
      s.clock.now = START + minutes * MIN;
      expect(await boardStatus(s, busy), `busy at +${minutes} min`).toBe(200);
    }
    expect(await boardStatus(s, idle)).toBe(303);
    s.clock.now = START + 2 * HOUR;
    expect(await boardStatus(s, busy)).toBe(303);
  });

  it("ends sessions opened with DEPLOY_GUARD_API_TOKEN once that token is changed", async () => {
    const s = setUp();
    const cookie = await sessionCookie(s, ADMIN_TOKEN);
    expect(await boardStatus(s, cookie)).toBe(200);
    s.restart();
    expect(await boardStatus(s, cookie)).toBe(200);
    // The same database file, reopened with another admin token in the environment.
    const reopened = createTestService({ now: START, env: { DEPLOY_GUARD_DB: `${s.dir}/guard.db`, DEPLOY_GUARD_API_TOKEN: "a-new-admin-token-0123456789" } });
    try {
      expect(await boardStatus(reopened, cookie)).toBe(303);
    } finally {
      reopened.close();
    }
  });

  it("marks the cookie Secure when the public URL is https", async () => {
    const s = setUp({ DEPLOY_GUARD_PUBLIC_URL: "https://deploys.example.com" });
    const res = await s.app.request("/login", {
      method: "POST", body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://deploys.example.com" },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^dg_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });
});
