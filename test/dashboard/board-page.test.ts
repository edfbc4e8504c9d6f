import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenFor } from "../decisions/release-fixtures.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { check, risingErrors, storeRelease } from "./release-rows.ts";
import { sessionCookie } from "./sign-in.ts";

const MIN = 60_000;
// 10:00 on 6 December in Shanghai (UTC+8), 02:00 in UTC.
const NOW = Date.parse("2026-12-06T02:00:00Z");
const SHA = "3f9c2a1d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a";

let svc: TestService;
let cookie: string;
const ids: Record<string, string> = {};

const html = async (path: string) => {
  const res = await svc.app.request(path, { headers: { cookie } });
  expect(res.status).toBe(200);
  return res.text();
};
const summaryOf = (page: string) => page.match(/<p class="answer" data-summary="true">(.*?)<\/p>/)?.[1];
const rowOf = (page: string, id: string) => page.slice(page.indexOf(`data-release="${id}"`)).split("</li>")[0]!;

beforeAll(async () => {
  svc = createTestService({ now: NOW });
  const today = NOW - 30 * MIN;
  for (let i = 0; i < 3; i++) await storeRelease(svc, { status: "pass", deployedAt: today - i * MIN });
  ids.sha = await storeRelease(svc, { status: "pass", deployedAt: today - 5 * MIN, service: "github-app", version: SHA });
  ids.warn = await storeRelease(svc, { status: "warn", deployedAt: today, checks: [check("error_rate"), check("latency", { status: "warn", candidate: { value: 97.4, n: 3000 } })] });
  ids.stopped = await storeRelease(svc, { status: "fail", deployedAt: today, checks: [risingErrors("fail"), check("latency")] });
  ids.rolledBack = await storeRelease(svc, { status: "fail", deployedAt: today, checks: [risingErrors("fail"), check("latency")], rolledBack: true });
  ids.calm = await storeRelease(svc, { status: "analyzing", deployedAt: NOW - 12 * MIN, checks: [check("error_rate", { seq: "continue" }), check("latency", { seq: "continue" })], decideBy: Date.parse("2026-12-06T04:00:00Z") });
  ids.worsening = await storeRelease(svc, { status: "analyzing", deployedAt: NOW - 12 * MIN, checks: [risingErrors("continue"), check("latency", { seq: "continue" })], decideBy: Date.parse("2026-12-06T04:00:00Z") });
  // 23:30 UTC the day before: already "today" in Shanghai, "earlier" in UTC.
  ids.lateUtc = await storeRelease(svc, { status: "pass", deployedAt: Date.parse("2026-12-05T23:30:00Z") });
  // 15:30 UTC the day before: 23:30 in Shanghai, the day before there too.
  await storeRelease(svc, { status: "pass", deployedAt: Date.parse("2026-12-05T15:30:00Z") });
  cookie = await sessionCookie(svc, await tokenFor(svc, "support-lead", "read"));
});
afterAll(() => svc?.close());

describe("the board's one-line answer", () => {
  it("counts today's releases by what became of them, in the order a person reads them", async () => {
    expect(summaryOf(await html("/?lang=en&tz=UTC"))).toBe(
      "Today: 9 releases — 4 healthy, 1 to keep an eye on, 1 stopped, 1 stopped and rolled back, 1 looking worse so far, 1 being checked",
    );
  });

  it("splits today at the viewer's midnight: a release at 23:30 UTC is today for a viewer in UTC+8", async () => {
    const shanghai = await html("/?lang=en&tz=Asia/Shanghai");
    expect(summaryOf(shanghai)).toMatch(/^Today: 10 releases — 5 healthy,/);
    expect(shanghai).toContain("Times are in your time zone, Asia/Shanghai.");
    const todayPart = shanghai.slice(shanghai.indexOf("<h2>Today</h2>"), shanghai.indexOf("<h2>Earlier</h2>"));
    expect(todayPart).toContain(`data-release="${ids.lateUtc}"`);
    const utc = await html("/?lang=en&tz=UTC");
    expect(utc.slice(utc.indexOf("<h2>Earlier</h2>"))).toContain(`data-release="${ids.lateUtc}"`);
  });

  it("remembers the zone the browser sent and names UTC as an assumption until it does", async () => {
    const first = await svc.app.request("/?lang=en", { headers: { cookie } });
    expect(await first.text()).toContain("Times are in UTC until your browser tells us its time zone.");
    const sent = await svc.app.request("/?tz=Asia/Shanghai", { headers: { cookie } });
    const zone = sent.headers.get("set-cookie")?.match(/dg_tz=([^;]+)/)?.[1];
    expect(decodeURIComponent(zone ?? "")).toBe("Asia/Shanghai");
    const later = await (await svc.app.request("/?lang=en", { headers: { cookie: `${cookie}; dg_tz=${zone}` } })).text();
    expect(summaryOf(later)).toMatch(/^Today: 10 releases/);
  });

  it("refuses a time zone that does not exist with a 422 problem, not a 500", async () => {
    const res = await svc.app.request("/?tz=Mars/Olympus", { headers: { cookie } });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("each release on the board", () => {
  it("shows a 40-character git SHA as its first 7 characters, the full SHA on hover", async () => {
    const row = rowOf(await html("/?lang=en"), ids.sha!);
    expect(row).toContain(`<span class="version" title="${SHA}" data-version="${SHA}">3f9c2a1</span>`);
    expect(row.replace(/"[^"]*"/g, "")).not.toContain(SHA);
  });

  it("turns the light amber at once when an interim look is already worse, and says it is being confirmed", async () => {
    const board = await html("/?lang=en&tz=Asia/Shanghai");
    const worse = rowOf(board, ids.worsening!);
    expect(worse).toContain('<span class="light tone-amber" data-status="worsening"><span class="icon" aria-hidden="true">!</span><span class="word">Looks worse so far — being confirmed</span>');
    expect(worse).toContain("Looks worse so far, being confirmed: the error rate went from 0.50 % to 4.00 %. A decision is due by 12:00 at the latest.");
    const calm = rowOf(board, ids.calm!);
    expect(calm).toContain('data-status="analyzing"');
    expect(calm).toContain("Being checked; nothing looks worse so far. A decision is due by 12:00.");
    const live = (await (await svc.app.request("/board.json?lang=en", { headers: { cookie } })).json()) as { releases: { id: string; status: string; tone: string }[] };
    expect(live.releases.find((r) => r.id === ids.worsening)).toMatchObject({ status: "worsening", tone: "amber" });
    expect(live.releases.find((r) => r.id === ids.calm)).toMatchObject({ status: "analyzing", tone: "blue" });
  });

  it("turns the release page's light amber too, the check's row saying it is being confirmed", async () => {
    const page = await html(`/releases/${ids.worsening}?lang=en`);
    expect(page).toContain('<span class="light tone-amber large" data-status="worsening">');
    expect(page).toMatch(/<tr data-signal="error_rate">.*?<td class="reason" data-label="Why">Looks worse so far — being confirmed\.<\/td>/);
  });

  it("says what a stopped release's checks found in words, the statistics only behind the engineers' disclosure", async () => {
    const row = rowOf(await html("/?lang=en"), ids.rolledBack!);
    expect(row).toContain("Not healthy, so it was stopped and rolled back: the error rate went from 0.50 % to 4.00 %.");
    const page = await html(`/releases/${ids.stopped}?lang=en`);
    const outside = page.replace(/<details class="engineers">.*?<\/details>/s, "");
    expect(outside).not.toMatch(/p-value|p = |Chow|sure this is not chance|Engine sentence|English summary/);
    expect(page).toMatch(/<details class="engineers">.*Engine sentence in English.*<\/details>/s);
  });

  it("shows latency at the histograms' precision: 81.2 ms reads 81 ms, both before and after", async () => {
    const page = await html(`/releases/${ids.stopped}?lang=en`);
    expect(page).toMatch(/<tr data-signal="latency">.*?data-label="Before">81 ms<\/td><td class="num" data-label="After">81 ms<\/td>/);
    expect(page).not.toContain("81.2 ms");
  });
});
