import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startServer, type ServerProcess } from "../../support/server-process.ts";
import { auditOf, createToken, seedReleases, type Seeded } from "./browser-seed.ts";

const CHROMIUM = "/usr/bin/chromium";
const ADMIN = "browser-admin-token-0123456789";
const SHOTS = join(ROOT, "test-output", "screenshots");
// In CI a missing browser must fail the test; elsewhere it is skipped with a message.
const missing = !existsSync(CHROMIUM) && !process.env.CI;
if (missing) console.warn(`dashboard browser test: ${CHROMIUM} is not installed (apt-get install chromium); skipped outside CI`);

let server: ServerProcess;
let browser: Browser;
let seeded: Seeded;
let readToken: string;
let operatorToken: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

async function newPage(options: { locale?: string; width?: number; height?: number; zone?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: options.locale ?? "en-GB", viewport: { width: options.width ?? 1200, height: options.height ?? 900 }, timezoneId: options.zone ?? "UTC" });
  contexts.push(context);
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
  page.on("pageerror", (e) => pageErrors.push(e.message));
  return page;
}

async function signIn(page: Page, token: string, path = "/"): Promise<void> {
  await page.goto(`${server.url}${path}`);
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.fill("#token", token);
  await Promise.all([page.waitForURL((u) => u.pathname === path), page.click("form.login button[type=submit]")]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
// The screenshots the documentation shows (docs/dashboard.md), looked at by a person before they are committed.
const docShot = (page: Page, name: string) => page.screenshot({ path: join(ROOT, "docs", "screenshots", `${name}.png`), fullPage: true });
const dayIn = (ms: number, zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
const STOPPED_SENTENCE = /^Not healthy, so it was stopped: the error rate went from 0\.\d\d % to \d\.\d\d %/;

describe.skipIf(missing)("the dashboard in a real browser (Chromium, headless)", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), "dg-dashboard-"));
    server = await startServer({ DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_API_TOKEN: ADMIN, DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1", DEPLOY_GUARD_DB_SYNC: "normal" });
    [seeded, browser] = await Promise.all([
      seedReleases(server, ADMIN),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] }),
    ]);
    readToken = await createToken(server, ADMIN, "support-lead", "read");
    operatorToken = await createToken(server, ADMIN, "ops-alice", "operator");
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
    expect(server?.output() ?? "").not.toContain(operatorToken);
  });

  it("shows the failing release on the board in red, with an icon, a word and its sentence", async () => {
    const page = await newPage();
    await signIn(page, readToken);
    const row = page.locator(`[data-release="${seeded.failing}"]`);
    await expect(row.locator(".light .word").textContent()).resolves.toBe("Failed");
    await expect(row.locator(".light .icon").textContent()).resolves.toBe("✕");
    await expect(row.locator(".summary").textContent()).resolves.toMatch(STOPPED_SENTENCE);
    expect(await row.locator(".light").evaluate((el) => (globalThis as any).getComputedStyle(el).color)).toBe("rgb(180, 35, 24)");
    expect(await page.locator(`[data-release="${seeded.passing}"] .light .word`).textContent()).toBe("Healthy");
    await shot(page, "board");
    const phone = await newPage({ width: 390, height: 844 });
    await signIn(phone, readToken);
    expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(390);
    await shot(phone, "board-phone");
  });

  it("draws the release page's charts with the windows shaded and the deploy marker labelled", async () => {
    const page = await newPage();
    await signIn(page, readToken, `/releases/${seeded.failing}`);
    await page.waitForSelector(".chart.drawn canvas");
    expect(await page.locator(".chart canvas").count()).toBe(2);
    expect(await page.locator(".chart").first().locator(".marker-label").textContent()).toBe("Deploy 2.0");
    expect(await page.locator(".chart").first().locator(".band-label").allTextContents()).toEqual(["Before", "After"]);
    expect(await page.locator(".verdict .sentence").textContent()).toMatch(STOPPED_SENTENCE);
    expect(await page.locator("details.engineers").getAttribute("open")).toBeNull();
    await page.click("details.engineers summary");
    await expect(page.locator("table.stats tbody tr").count()).resolves.toBe(2);
    await shot(page, "release");
    const service = await newPage();
    await signIn(service, readToken, "/services/search");
    await service.waitForSelector(".chart.drawn canvas");
    expect(await service.locator(".quiet").textContent()).toMatch(/^Your quietest hour is 04:00–05:00 \(UTC\), with about 4 requests a minute\.$/);
    await shot(service, "service");
  });

  it("switches to Simplified Chinese from the language link and keeps it", async () => {
    const page = await newPage();
    await signIn(page, readToken);
    await Promise.all([page.waitForURL(/lang=zh-CN/), page.click('a[hreflang="zh-CN"]')]);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.locator("h1").textContent()).toBe("发布");
    expect(await page.locator(`[data-release="${seeded.failing}"] .light .word`).textContent()).toBe("失败");
    await page.goto(`${server.url}/releases/${seeded.failing}`);
    expect(await page.locator("h2").first().textContent()).toBe("结论");
    expect(await page.locator("section h2").allTextContents()).toContain("已采取的措施");
    await shot(page, "release-zh-CN");
    const chinese = await newPage({ locale: "zh-CN" });
    await signIn(chinese, readToken);
    expect(await chinese.locator("html").getAttribute("lang")).toBe("zh-CN");
  });

  for (const [lang, width] of [["en", 1280], ["zh-CN", 1280], ["en", 390], ["zh-CN", 390]] as const) {
    it(`answers in one line on the board and keeps After, Change and Why on the release page (${lang}, ${width} px, Shanghai time)`, async () => {
      const page = await newPage({ locale: lang === "en" ? "en-GB" : "zh-CN", width, height: width < 600 ? 844 : 900, zone: "Asia/Shanghai" });
      await signIn(page, readToken);
      // board.js sends the browser's zone once; the page comes back with times and "today" in it.
      await page.waitForSelector('[data-zone="Asia/Shanghai"]');
      expect(new URL(page.url()).search).toBe("");
      const sameDay = dayIn(Date.now(), "Asia/Shanghai") === dayIn(Date.now() - 50 * 60_000, "Asia/Shanghai");
      const answer = await page.locator("[data-summary]").textContent();
      if (lang === "en") expect(answer).toBe(sameDay ? "Today: 2 releases — 1 healthy, 1 stopped" : "Today: no releases yet.");
      else expect(answer).toBe(sameDay ? "今天：共 2 个发布 — 1 个健康，1 个已拦截" : "今天：还没有发布。");
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(width);
      await docShot(page, `board-${lang}-${width}`);
      await page.goto(`${server.url}/releases/${seeded.failing}`);
      await page.waitForSelector(".chart.drawn canvas");
      expect(await page.locator(".verdict .light").getAttribute("data-status")).toBe("fail");
      for (const label of lang === "en" ? ["After", "Change", "Why"] : ["发布后", "变化", "原因"]) {
        const cell = page.locator(`tr[data-signal="error_rate"] td[data-label="${label}"]`);
        expect(await cell.isVisible(), label).toBe(true);
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, label).toBeLessThanOrEqual(width + 1);
      }
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(width);
      await docShot(page, `release-failing-${lang}-${width}`);
    });
  }

  it("shows operator buttons only to an operator, and records the decision in the audit log", async () => {
    const reader = await newPage();
    await signIn(reader, readToken, `/releases/${seeded.failing}`);
    expect(await reader.locator("form.actions").count()).toBe(0);
    expect(await reader.locator("button", { hasText: "Roll back" }).count()).toBe(0);

    const page = await newPage();
    await signIn(page, operatorToken, `/releases/${seeded.failing}`);
    expect(await page.content()).not.toContain(operatorToken);
    await page.fill("#reason", "Payments team is looking; keep the pipeline waiting");
    await Promise.all([page.waitForURL(/done=1/), page.click('form.actions button[value="hold"]')]);
    expect(await page.locator(".notice").textContent()).toBe("Your decision was recorded.");
    expect(await page.locator(".verdict .light .word").textContent()).toBe("On hold");
    const decision = (await auditOf(server, ADMIN, seeded.failing)).find((e) => e.kind === "decision");
    expect(decision).toMatchObject({ actor: "ops-alice", data: { action: "hold", via: "dashboard", reason: "Payments team is looking; keep the pipeline waiting" } });
    await shot(page, "release-operator");
    expect(pageErrors).toEqual([]);
  });
});
