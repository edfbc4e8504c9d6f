import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doraMeasures } from "../../src/dashboard/dora-measures.ts";
import { managerData } from "../../src/dashboard/manager-data.ts";
import { serviceData } from "../../src/dashboard/service-data.ts";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-11-21T12:00:00Z");

let svc: TestService;

async function deploy(service: string, version: string, at: number, phases: ("started" | "finished")[] = ["started", "finished"]): Promise<string> {
  let id = "";
  for (const [i, phase] of phases.entries()) {
    svc.clock.now = at + i * 5 * MIN;
    const res = await svc.request("POST", "/api/v1/deploys", { service, version, phase, timestamp: at + i * 5 * MIN });
    expect(res.status).toBeLessThan(300);
    id = ((await res.json()) as { release_id: string }).release_id;
  }
  return id;
}

async function decide(id: string, action: "approve" | "rollback" | "hold", at: number): Promise<void> {
  svc.clock.now = at;
  const res = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action, reason: "seen by the release captain" });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** Requests of pay for the two days before NOW: 3 a minute, 1 a minute from 03:00 to 04:00 UTC. */
async function traffic(): Promise<void> {
  const events: object[] = [];
  for (let m = NOW - 2 * DAY; m < NOW; m += MIN) {
    const n = new Date(m).getUTCHours() === 3 ? 1 : 3;
    for (let i = 0; i < n; i++) events.push({ timestamp: m + i * 1000, service: "pay", environment: "production", host: "web-1", status: 200, latency_ms: 80, route: "/pay" });
  }
  for (let i = 0; i < events.length; i += 5000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 5000) })).status).toBe(202);
}

beforeAll(async () => {
  svc = createTestService({ now: NOW, env: { DEPLOY_GUARD_OPEN_READS: "true" } });
  await traffic();
  // pay: healthy, rolled back by the deploy tool 90 min after going out, healthy, stopped by a person after 30 min and
  // fixed by the next release 4 h after it went out, that next release, and one still deploying.
  await decide(await deploy("pay", "1", NOW - 20 * DAY), "approve", NOW - 20 * DAY + HOUR);
  const bad = await deploy("pay", "2", NOW - 13 * DAY);
  svc.clock.now = NOW - 13 * DAY + 90 * MIN;
  await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "2", phase: "rolled_back", timestamp: NOW - 13 * DAY + 90 * MIN });
  await decide(await deploy("pay", "3", NOW - 12 * DAY), "approve", NOW - 12 * DAY + HOUR);
  await decide(await deploy("pay", "4", NOW - 5 * DAY), "rollback", NOW - 5 * DAY + 30 * MIN);
  await decide(await deploy("pay", "5", NOW - 5 * DAY + 4 * HOUR), "approve", NOW - 5 * DAY + 5 * HOUR);
  await deploy("pay", "6", NOW - HOUR, ["started"]);
  // cart: one healthy, one held for a person, and one older than the period.
  await decide(await deploy("cart", "1", NOW - 40 * DAY), "approve", NOW - 40 * DAY + HOUR);
  await decide(await deploy("cart", "2", NOW - 3 * DAY), "hold", NOW - 3 * DAY + HOUR);
  await decide(await deploy("cart", "3", NOW - 2 * DAY), "approve", NOW - 2 * DAY + HOUR);
  svc.clock.now = NOW;
  expect(bad).not.toBe("");
}, 60_000);
afterAll(() => svc.close());

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");
const page = async (path: string) => {
  const res = await svc.app.request(path);
  expect(res.status).toBe(200);
  return res.text();
};

describe("manager page numbers (DORA measures from the store)", () => {
  it("counts releases a week, the share stopped or rolled back and the median time to catch and to restore", async () => {
    const d = await managerData(svc.container, undefined, 4, "UTC");
    expect(d.environment).toBe("production");
    expect(d.all).toMatchObject({
      releases: 8, perWeek: 2, decided: 7, failed: 2, changeFailureRate: 2 / 7,
      // caught after 90 and 30 min; restored by the tool's rollback after 90 min and by the next good release after 4 h
      medianTimeToCatch: 60 * MIN, medianTimeToRestore: 165 * MIN, unrestored: 0,
    });
    expect(d.all.weeks.map((w) => [w.good, w.failed, w.other])).toEqual([[0, 0, 0], [1, 0, 0], [1, 1, 0], [2, 1, 2]]);
    const [cart, pay] = d.services;
    expect(pay).toMatchObject({ service: "pay", dora: { releases: 6, perWeek: 1.5, decided: 5, failed: 2, changeFailureRate: 0.4, medianTimeToRestore: 165 * MIN } });
    expect(cart).toMatchObject({ service: "cart", dora: { releases: 2, perWeek: 0.5, decided: 2, failed: 0, changeFailureRate: 0, medianTimeToRestore: null } });
  });

  it("finds the quietest hour in the viewer's time zone: 03:00 UTC is 11:00 in Shanghai", async () => {
    expect((await managerData(svc.container, undefined, 4, "UTC")).quiet?.quietest).toEqual({ hour: 3, perMinute: 1, days: 2 });
    const shanghai = await managerData(svc.container, undefined, 4, "Asia/Shanghai");
    expect(shanghai.quiet?.quietest).toEqual({ hour: 11, perMinute: 1, days: 2 });
    expect(shanghai.quiet?.perHour.filter((v) => v === 3)).toHaveLength(23);
    expect(shanghai.services.find((s) => s.service === "cart")?.quiet).toBeNull();
    // The service page tells it in the same zone.
    const page = (zone: string) => serviceData(svc.container, "pay", undefined, 24, (key) => key, zone);
    expect((await page("UTC")).quiet?.hour).toBe(3);
    expect((await page("Asia/Shanghai")).quiet?.hour).toBe(11);
  });

  it("counts a failed release as unrestored until a rollback or a good release follows it", () => {
    const base = { service: "s", environment: "production", caughtAt: null, rolledBackAt: null };
    const m = doraMeasures([{ ...base, deployedAt: 1000, status: "fail" }, { ...base, deployedAt: 2000, status: "fail" }, { ...base, deployedAt: 3000, status: "hold" }], 10_000, 1);
    expect(m).toMatchObject({ failed: 2, decided: 3, unrestored: 2, medianTimeToRestore: null });
  });
});

describe("manager page", () => {
  it("names the DORA measures with a plain line each, with charts and a row per service", async () => {
    const html = await page("/manager?weeks=4&lang=en&tz=UTC");
    const t = text(html);
    expect(t).toContain("Deployment frequency 2 a week How often a change reaches users: 8 releases in 4 weeks.");
    expect(t).toContain("Change failure rate 28.6 % The share of releases stopped or rolled back: 2 of the 7 judged.");
    expect(t).toContain("Time to restore 2 h 45 min Typical time from a bad release going out");
    expect(t).toContain("It was caught after 1 h.");
    expect(t).toContain("Quietest time to deploy 03:00–04:00 The hour with the fewest users over the last 7 days (about 1 requests a minute), in your time zone (UTC).");
    expect(html.match(/<svg class="bars"/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Bar chart of releases per week over the last 4 weeks: 8 releases, 2 stopped or rolled back."');
    expect(t).toMatch(/pay 1\.5 a week 40 % \(2\/5\) 2 h 45 min 03:00–04:00/);
    expect(t).toMatch(/cart 0\.5 a week 0 % \(0\/2\) — —/);
    expect(html).toContain('<a href="/manager">Overview</a>');
  });

  it("shows one service's measures and charts, in the time zone the browser sent, in Chinese", async () => {
    const html = await page("/manager?weeks=4&service=pay&lang=zh-CN&tz=Asia/Shanghai");
    const t = text(html);
    expect(t).toContain("pay 的发布情况");
    expect(t).toContain("部署频率 每周 1.5 次");
    expect(t).toContain("变更失败率 40 %");
    expect(t).toContain("恢复时间 2 小时 45 分钟");
    expect(t).toContain("最安静的部署时段 11:00–12:00");
    expect(t).toContain("按您的时区（Asia/Shanghai）");
    expect(t).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}/);
  });

  it("says so when there are no releases in the period, and refuses a bad period or time zone with a 422 problem", async () => {
    expect(text(await page("/manager?environment=staging&lang=en"))).toContain("No releases in staging in the last 12 weeks.");
    for (const bad of ["/manager?weeks=5", "/manager?tz=Mars/Olympus"]) {
      const res = await svc.app.request(bad);
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("needs a read token unless reads are open", async () => {
    const closed = createTestService({ now: NOW });
    try {
      expect((await closed.app.request("/manager")).status).toBe(303);
      const ok = await closed.app.request("/manager", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).not.toContain(ADMIN_TOKEN);
    } finally {
      await closed.close();
    }
  });
});
