import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failingRelease, MIN, START, tokenFor } from "../decisions/release-fixtures.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { check, risingErrors, storeRelease } from "./release-rows.ts";
import { sessionCookie } from "./sign-in.ts";

let svc: TestService;
let operator: string;
const pages: string[] = [];

/**
 * The text a reader sees, without what is allowed to stay in English: scripts, styles, code, the details for
 * engineers, and elements marked translate="no" (service names, environments, versions, people's names and words).
 */
function readableText(html: string): string {
  let s = html.replace(/<(script|style|code|q)\b[^>]*>.*?<\/\1>/gs, " ").replace(/<details class="engineers">.*?<\/details>/gs, " ");
  for (let before = ""; before !== s;) {
    before = s;
    s = s.replace(/<(\w+)\b[^>]*\btranslate="no"[^>]*>(?:(?!<\1\b).)*?<\/\1>/gs, " ");
  }
  return s.replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/\s+/g, " ");
}

/** Three or more English words in a row: a sentence (or a label) left untranslated. */
const englishRuns = (text: string) => [...text.matchAll(/\b[A-Za-z]{2,}(?:[\s,.;:'’-]+[A-Za-z]{2,}){2,}/g)].map((m) => m[0]);

beforeAll(async () => {
  svc = createTestService({ now: START + 40 * MIN });
  const failing = await failingRelease(svc);
  await svc.container.verdicts.runDue();
  await svc.container.store.write(async () => svc.container.decisions.decide({ action: "hold", reason: "Payments team is looking", releaseId: failing, actor: "ops-alice", via: "dashboard" }));
  const now = START + 40 * MIN;
  const stored = [
    await storeRelease(svc, { status: "analyzing", deployedAt: now - 15 * MIN, checks: [risingErrors("continue"), check("latency", { seq: "continue" })], decideBy: now + 60 * MIN }),
    await storeRelease(svc, { status: "analyzing", deployedAt: now - 12 * MIN, checks: [check("error_rate", { seq: "continue" }), check("latency", { seq: "continue" })], decideBy: now + 60 * MIN }),
    await storeRelease(svc, { status: "pending", deployedAt: now - 2 * MIN }),
    await storeRelease(svc, { status: "warn", deployedAt: now - 30 * MIN, checks: [check("error_rate"), check("latency", { status: "warn", candidate: { value: 97, n: 3000 } })] }),
    await storeRelease(svc, { status: "fail", deployedAt: now - 25 * MIN, checks: [risingErrors("fail"), check("latency")], rolledBack: true }),
    await storeRelease(svc, { status: "hold", deployedAt: now - 35 * MIN, checks: [check("error_rate", { seq: "hold" }), check("latency", { status: "nodata", seq: "nodata" })] }),
    await storeRelease(svc, { status: "pass", deployedAt: now - 3 * 24 * 60 * MIN, version: "3f9c2a1d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a" }),
  ];
  operator = await tokenFor(svc, "ops-alice", "operator");
  const cookie = await sessionCookie(svc, operator);
  for (const path of ["/", ...[failing, ...stored].map((id) => `/releases/${id}`)]) {
    const res = await svc.app.request(`${path}?lang=zh-CN&tz=Asia/Shanghai`, { headers: { cookie } });
    expect(res.status, path).toBe(200);
    pages.push(await res.text());
  }
});
afterAll(() => svc?.close());

describe("the board and release pages in Simplified Chinese", () => {
  it("show no English sentence outside code, ids, versions, names and the details for engineers", () => {
    expect(pages).toHaveLength(9);
    for (const page of pages) {
      expect(page).toContain('<html lang="zh-CN">');
      expect(englishRuns(readableText(page)), readableText(page).slice(0, 200)).toEqual([]);
    }
  });

  it("would catch an English sentence: the check sees the engine's words when they are not hidden", () => {
    expect(englishRuns(readableText("<p>错误率 Engine sentence in English</p>"))).toEqual(["Engine sentence in English"]);
    expect(englishRuns(readableText('<p><span translate="no">checkout 1.2 production</span> 正常</p>'))).toEqual([]);
  });

  it("say the board's answer and each verdict in Chinese, built from the checks' numbers", () => {
    const [board] = pages;
    expect(board).toMatch(/<p class="answer" data-summary="true">今天：共 7 个发布 — 1 个需要留意，1 个已拦截并回滚，2 个等待人工决定，1 个目前看来变差，2 个检查中<\/p>/);
    expect(board).toContain("目前看来变差了，正在确认：错误率从 0.50 % 变为 4.00 %。");
    expect(board).toContain("ops-alice 已暂停，等待人工决定。不正常，已被拦截：错误率从 0.45 % 变为 6.07 %。");
  });
});
