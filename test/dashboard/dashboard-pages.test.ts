import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failingRelease, MIN, START, tokenFor } from "../decisions/release-fixtures.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { sessionCookie } from "./sign-in.ts";

let svc: TestService;
let releaseId: string;
let reader: string;
let operator: string;

const cookies = new Map<string, string>();
/** The Cookie header of a browser signed in with the token (one sign-in per token). */
async function cookieOf(token: string): Promise<string> {
  if (!cookies.has(token)) cookies.set(token, await sessionCookie(svc, token));
  return cookies.get(token)!;
}

const page = async (path: string, token?: string, headers: Record<string, string> = {}) =>
  svc.app.request(path, { headers: { ...(token ? { cookie: await cookieOf(token) } : {}), ...headers } });

function form(path: string, fields: Record<string, string>, headers: Record<string, string>) {
  return svc.app.request(path, { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
}

const csrfIn = (html: string) => html.match(/name="csrf" value="([^"]+)"/)?.[1];

beforeAll(async () => {
  svc = createTestService({ now: START + 40 * MIN });
  releaseId = await failingRelease(svc);
  await svc.container.verdicts.runDue();
  reader = await tokenFor(svc, "support-lead", "read");
  operator = await tokenFor(svc, "ops-alice", "operator");
});
afterAll(() => svc?.close());

describe("dashboard access", () => {
  it("sends a browser without a token to the sign-in form, keeping where it was going", async () => {
    const res = await page(`/releases/${releaseId}?lang=en`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/releases/${releaseId}?lang=en`)}`);
    expect((await page("/")).headers.get("location")).toBe("/login?next=%2F");
    expect((await page("/login")).status).toBe(200);
    const json = await page("/board.json");
    expect(json.status).toBe(401);
    expect(json.headers.get("content-type")).toBe("application/problem+json");
  });

  it("signs in with a token into an HttpOnly, SameSite=Lax session cookie and never shows the token", async () => {
    const res = await form("/login", { token: reader, next: "/services/pay" }, { origin: "http://localhost" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/services/pay");
    expect(res.headers.get("set-cookie")).toMatch(/^dg_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(res.headers.get("set-cookie")).not.toContain(reader);
    const board = await (await page("/", reader)).text();
    expect(board).toContain("Signed in as support-lead");
    expect(board).not.toContain(reader);
  });

  it("refuses a wrong token with the form again, a sign-in from another site, and a next that leaves the site", async () => {
    const wrong = await form("/login", { token: "dg_not-a-real-token" }, { origin: "http://localhost" });
    expect(wrong.status).toBe(401);
    const html = await wrong.text();
    expect(html).toContain("That token is not valid.");
    expect(html).not.toContain("dg_not-a-real-token");
    expect((await form("/login", { token: reader }, { origin: "https://evil.example" })).status).toBe(403);
    const away = await form("/login", { token: reader, next: "//evil.example/x" }, { origin: "http://localhost" });
    expect(away.headers.get("location")).toBe("/");
    const huge = await form("/login", { token: "x".repeat(70_000) }, { origin: "http://localhost" });
    expect(huge.status).toBe(413);
  });

  it("lets anyone read on a trusted network when DEPLOY_GUARD_OPEN_READS=true, still without operator buttons", async () => {
    const open = createTestService({ now: START + 40 * MIN, env: { DEPLOY_GUARD_OPEN_READS: "true" } });
    try {
      const id = await failingRelease(open);
      const res = await open.app.request(`/releases/${id}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain("pay 3");
      expect(html).not.toContain('class="actions"');
      expect(html).toContain('href="/login"');
    } finally {
      open.close();
    }
  });
});

describe("dashboard pages", () => {
  it("shows the failing release on the board: red, an icon, the word and a sentence built from its checks", async () => {
    const res = await page("/", reader);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    const row = html.slice(html.indexOf(`data-release="${releaseId}"`));
    expect(row).toMatch(/^data-release="[^"]+"><div class="release-head"><span class="light tone-red" data-status="fail"><span class="icon" aria-hidden="true">✕<\/span><span class="word">Failed<\/span>/);
    const sentence = row.match(/<p class="summary">(Not healthy, so it was stopped: the error rate went from 0\.\d\d % to [56]\.\d\d %\.)<\/p>/)?.[1];
    expect(sentence).toBeDefined();
    const live = (await (await page("/board.json", reader)).json()) as any;
    expect(live.releases).toEqual([{ id: releaseId, status: "fail", label: "Failed", icon: "✕", tone: "red", summary: sentence }]);
  });

  it("embeds the release chart's data: per-minute error rate, both windows and the labelled deploy marker", async () => {
    const html = await (await page(`/releases/${releaseId}`, reader)).text();
    const chart = JSON.parse(html.match(/<script type="application\/json" id="release-chart">(.*?)<\/script>/)![1]!);
    const release = await svc.container.verdicts.get(releaseId);
    const verdict = (await (await svc.request("GET", `/api/v1/releases/${releaseId}/verdict`)).json()) as any;
    expect(chart.bands[0]).toEqual({ kind: "baseline", from: release.baselineStart! / 1000, to: release.baselineEnd! / 1000, label: "Before" });
    expect(chart.bands[1]).toMatchObject({ kind: "analysis", from: release.analysisStart! / 1000, label: "After" });
    expect(chart.markers).toEqual([{ at: START / 1000, label: "Deploy 3" }]);
    const i = chart.x.indexOf((START + 10 * MIN) / 1000);
    const minute = await svc.container.reader.requests({ service: "pay", environment: "production", start: START + 10 * MIN, end: START + 11 * MIN });
    expect(chart.errorRate[i]).toBeCloseTo((100 * minute.errors) / minute.requests, 3);
    expect(html).toContain('<details class="engineers"><summary>Details for engineers</summary>');
    // The likely range is the verdict's own 95 % interval of the change, as ratios.
    const [low, high] = verdict.checks.find((c: any) => c.signal === "error_rate").stats.change_ci as [number, number];
    const range = `×${(1 + low).toFixed(1)} to ×${(1 + high).toFixed(1)} (95 % interval)`;
    expect(html).toMatch(new RegExp(`<th scope="row">Error rate</th><td data-label="Status"><span class="light tone-red" data-status="fail">.*?</td><td class="num" data-label="Before">0\\.\\d\\d %</td><td class="num" data-label="After">[56]\\.\\d\\d %</td><td class="num" data-label="Change">×\\d+\\.\\d</td><td class="sure" data-label="Likely range">${range.replace(/[.()]/g, "\\$&")}</td>`));
  });

  it("shades as 'After' only the minutes the verdict rests on, not the longest window the rule allows", async () => {
    const html = await (await page(`/releases/${releaseId}`, reader)).text();
    const chart = JSON.parse(html.match(/<script type="application\/json" id="release-chart">(.*?)<\/script>/)![1]!);
    const release = await svc.container.verdicts.get(releaseId);
    const verdict = (await (await svc.request("GET", `/api/v1/releases/${releaseId}/verdict`)).json()) as any;
    // The sequential default decided at its first look, after 10 minutes, while its window could have grown to 4 hours.
    expect(Date.parse(verdict.windows.analysis.end) - release.analysisStart!).toBe(10 * MIN);
    expect(release.analysisEnd! - release.analysisStart!).toBe(240 * MIN);
    expect(chart.bands[1]).toEqual({ kind: "analysis", from: release.analysisStart! / 1000, to: Date.parse(verdict.windows.analysis.end) / 1000, label: "After" });
    expect(html).toContain(`After: 21 Nov, 12:01 – 21 Nov, 12:11`);
  });

  it("names the quietest hour and marks each release on the service page", async () => {
    const html = await (await page("/services/pay?hours=72", reader)).text();
    expect(html).toContain("Not enough traffic history yet to find the quietest hour");
    const chart = JSON.parse(html.match(/id="service-chart">(.*?)<\/script>/)![1]!);
    expect(chart.markers).toEqual([{ at: START / 1000, label: "Deploy 3" }]);
    expect(chart.x[1] - chart.x[0]).toBe(15 * 60);
    expect((await page("/services/pay?hours=5", reader)).status).toBe(422);
  });

  it("answers a release that does not exist with a 404 page", async () => {
    const res = await page("/releases/rel_nope", reader);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("There is no release rel_nope.");
  });

  it("picks Chinese from Accept-Language, switches with ?lang= and remembers it in a cookie", async () => {
    const zh = await (await page("/", reader, { "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" })).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('<span class="word">失败</span>');
    const switched = await page("/?lang=en", reader, { "accept-language": "zh-CN" });
    expect(switched.headers.get("set-cookie")).toMatch(/^dg_lang=en; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(await switched.text()).toContain('<html lang="en">');
    const remembered = await (await page("/", reader, { "accept-language": "zh-CN", cookie: `${await cookieOf(reader)}; dg_lang=en` })).text();
    expect(remembered).toContain('<html lang="en">');
  });
});

describe("operator actions", () => {
  it("shows approve, hold and roll back only to an operator", async () => {
    expect(await (await page(`/releases/${releaseId}`, reader)).text()).not.toContain('class="actions"');
    const html = await (await page(`/releases/${releaseId}`, operator)).text();
    expect(html).toContain(`<form method="post" action="/releases/${releaseId}/decision" class="actions">`);
    // The "Step in" form sets the gate: exactly approve, hold and roll back; retry, skip and marks are forms of their own.
    const forms = html.split("<form ").slice(1).map((f) => f.slice(0, f.indexOf("</form>")));
    const actionsOf = (f: string) => [...f.matchAll(/<button type="submit" name="action" value="(\w+)"/g)].map((m) => m[1]);
    expect(forms.filter((f) => f.includes("<h3>Step in</h3>")).map(actionsOf)).toEqual([["approve", "hold", "rollback"]]);
    expect(forms.map(actionsOf).flat().sort()).toEqual(["approve", "hold", "mark_wrong", "retry", "rollback", "skip"]);
  });

  it("labels the retry, skip and mark-wrong forms in the page's language", async () => {
    const zh = await (await page(`/releases/${releaseId}?lang=zh-CN`, operator)).text();
    expect(zh).toContain("<h3>重新判断，或暂不考虑某个信号</h3>");
    expect(zh).toContain("等更多数据后重新判断</button>");
    expect(zh).toContain('<option value="false_fail">判为失败，但发布其实没有问题（误报）</option>');
    expect(zh).not.toContain("Judge again with more data");
    expect(zh).not.toContain('class="more-actions" lang="en"');
    const en = await (await page(`/releases/${releaseId}?lang=en`, operator)).text();
    expect(en).toContain("↻ Judge again with more data</button>");
    expect(en).toContain("<h3>The verdict was wrong</h3>");
  });

  it("refuses a decision without the session's CSRF token, from another origin, or from a read token", async () => {
    const csrf = csrfIn(await (await page(`/releases/${releaseId}`, operator)).text())!;
    const post = (fields: Record<string, string>, headers: Record<string, string>) => form(`/releases/${releaseId}/decision`, { action: "approve", reason: "ok", ...fields }, headers);
    expect((await post({ csrf: "forged" }, { cookie: await cookieOf(operator), origin: "http://localhost" })).status).toBe(403);
    expect((await post({ csrf }, { cookie: await cookieOf(operator), origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ csrf }, { cookie: await cookieOf(operator) })).status).toBe(403);
    const readerCsrf = csrfIn(await (await page(`/releases/${releaseId}`, reader)).text())!;
    expect((await post({ csrf: readerCsrf }, { cookie: await cookieOf(reader), origin: "http://localhost" })).status).toBe(403);
    expect((await svc.container.audit.ofRelease(releaseId)).filter((e) => e.kind === "decision")).toEqual([]);
  });

  it("records an operator's decision with the token's name, via the dashboard, in the audit log", async () => {
    const csrf = csrfIn(await (await page(`/releases/${releaseId}`, operator)).text())!;
    const headers = { cookie: await cookieOf(operator), origin: "http://localhost" };
    const res = await form(`/releases/${releaseId}/decision`, { action: "hold", reason: "waiting for the payments team", csrf }, headers);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/releases/${releaseId}?done=1#actions`);
    const audit = (await (await svc.request("GET", `/api/v1/releases/${releaseId}/audit`)).json()) as any;
    expect(audit.events[0]).toMatchObject({ kind: "decision", actor: "ops-alice", data: { action: "hold", via: "dashboard", reason: "waiting for the payments team" } });
    const again = await form(`/releases/${releaseId}/decision`, { action: "hold", reason: "again", csrf }, headers);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("That did not work: pay 3 (production) was already put on hold by ops-alice");
    const empty = await form(`/releases/${releaseId}/decision`, { action: "approve", reason: "  ", csrf }, headers);
    expect(empty.status).toBe(422);
  });
});

describe("bad input to the dashboard", () => {
  it("answers odd paths, queries and form bodies with a 4xx, never a 500", async () => {
    const cookie = await cookieOf(operator);
    const gets = ["/services/pay?hours=abc", "/services/pay?environment=", `/services/${"x".repeat(300)}`, "/releases/%00", `/releases/${"y".repeat(200)}`, "/login?next=" + "z".repeat(3000), "/?lang=xx"];
    for (const path of gets) expect((await page(path, operator)).status, path).toBeLessThan(500);
    const posts: [string, string, string][] = [
      ["/login", "application/json", JSON.stringify({ token: reader })],
      ["/login", "application/x-www-form-urlencoded", "token="],
      ["/logout", "text/plain", "csrf=1"],
      [`/releases/${releaseId}/decision`, "application/x-www-form-urlencoded", "action=explode&reason=x&csrf=y"],
      [`/releases/${releaseId}/decision`, "application/x-www-form-urlencoded", "%%%"],
      ["/releases/nope/decision", "application/x-www-form-urlencoded", "action=approve&reason=x&csrf=y"],
    ];
    for (const [path, type, body] of posts) {
      const res = await svc.app.request(path, { method: "POST", body, headers: { "content-type": type, cookie, origin: "http://localhost" } });
      expect(res.status, `${path} ${body}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${path} ${body}`).toBeLessThan(500);
    }
  });
});
