import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bankWorkload } from "../../capacity/bank-workload.ts";
import { capacityRules, metricBodies } from "../../capacity/capacity-fixtures.ts";
import { ROOT, startServer, type ServerProcess } from "../../support/server-process.ts";
import { seedReleases } from "./browser-seed.ts";

const CHROMIUM = "/usr/bin/chromium";
const ADMIN = "browser-admin-token-0123456789";
const MIN = 60_000;
const missing = !existsSync(CHROMIUM) && !process.env.CI;
if (missing) console.warn(`manager browser test: ${CHROMIUM} is not installed (apt-get install chromium); skipped outside CI`);

let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

async function newPage(lang: "en" | "zh-CN", width: number): Promise<Page> {
  const context = await browser.newContext({ locale: lang === "en" ? "en-GB" : "zh-CN", viewport: { width, height: width < 600 ? 844 : 900 }, timezoneId: "Asia/Shanghai" });
  contexts.push(context);
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
  page.on("pageerror", (e) => pageErrors.push(e.message));
  return page;
}

const docShot = (page: Page, name: string) => page.screenshot({ path: join(ROOT, "docs", "screenshots", `${name}.png`), fullPage: true });
const pageWidth = (page: Page) => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number);

/** Two days of the bank's CPU and volumes up to now, pushed as metrics, so the accounts service has a fitted model. */
async function pushCapacityMetrics(): Promise<void> {
  const minutes = 2 * 1440;
  const start = Math.floor(Date.now() / MIN) * MIN - minutes * MIN;
  for (const body of metricBodies("accounts", bankWorkload({ seed: 7, minutes, start }))) {
    const res = await fetch(`${server.url}/api/v1/metrics`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
  }
}

describe.skipIf(missing)("the manager, capacity and service pages in a real browser (Chromium, headless)", () => {
  beforeAll(async () => {
    const rules = capacityRules();
    copyFileSync(join(ROOT, "rules", "default.yaml"), join(rules, "default.yaml"));
    const dir = mkdtempSync(join(tmpdir(), "dg-manager-"));
    server = await startServer({ DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_API_TOKEN: ADMIN, DEPLOY_GUARD_RULES: rules, DEPLOY_GUARD_OPEN_READS: "true",
      DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1", DEPLOY_GUARD_DB_SYNC: "normal" });
    [, browser] = await Promise.all([
      seedReleases(server, ADMIN).then(pushCapacityMetrics),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] }),
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });

  for (const [lang, width] of [["en", 1280], ["zh-CN", 1280], ["en", 390], ["zh-CN", 390]] as const) {
    it(`shows the DORA measures and the quietest hour in the viewer's zone, and the capacity page fits (${lang}, ${width} px)`, async () => {
      const page = await newPage(lang, width);
      // The board's script tells the server the browser's zone once; every page uses it from then on.
      await page.goto(`${server.url}/?lang=${lang}`);
      await page.waitForSelector('[data-zone="Asia/Shanghai"]');
      await page.goto(`${server.url}/manager`);
      expect(await page.locator('[data-measure="frequency"] .value').textContent()).toBe(lang === "en" ? "0.2 a week" : "每周 0.2 次");
      expect(await page.locator('[data-measure="failure"] .value').textContent()).toBe("50 %");
      // search's traffic dips at 04:00 UTC: noon in Shanghai.
      expect(await page.locator('[data-measure="quiet"] .value').textContent()).toBe("12:00–13:00");
      expect(await page.locator('[data-measure="quiet"] .hint').textContent()).toContain("Asia/Shanghai");
      expect(await page.locator("svg.bars").count()).toBe(2);
      expect(await page.locator("table.by-service tbody tr").count()).toBe(2);
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await docShot(page, `manager-${lang}-${width}`);

      await page.goto(`${server.url}/services/accounts/capacity`);
      const actual = page.locator("table.capacity-actual tbody tr").first().locator("td").first();
      expect(await actual.textContent()).toMatch(/^\d+(\.\d+)?$/);
      expect(await page.locator(".trend").textContent()).toContain(lang === "en" ? "too little history" : "历史太短");
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await docShot(page, `capacity-${lang}-${width}`);

      await page.goto(`${server.url}/services/accounts`);
      expect(await page.locator('a[href^="/services/accounts/capacity"]').count()).toBe(1);
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await page.goto(`${server.url}/services/search`);
      expect(await page.locator('a[href*="/capacity"]').count()).toBe(0);
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      if (width < 600) await docShot(page, `service-${lang}-${width}`);
      expect(pageErrors).toEqual([]);
    });
  }
});
