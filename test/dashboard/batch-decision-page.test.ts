import { afterEach, describe, expect, it } from "vitest";
import { START, tokenFor } from "../decisions/release-fixtures.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { sessionCookie } from "./sign-in.ts";

let svc: TestService;
afterEach(() => svc?.close());

async function batchEvent(phase: "started" | "finished", index: number, at: number): Promise<string> {
  const hosts = index === 1 ? ["web-1", "web-2"] : ["web-3", "web-4"];
  const res = await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "2.0.0", deploy_id: "shop-roll", phase, timestamp: at, batch: { index, total: 2, hosts } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { release_id: string }).release_id;
}

const batchLines = (html: string) => [...html.matchAll(/<li>.*?Batch (\d) of 2: <span lang="en">(.*?)<\/span><\/li>/g)].map((m) => [m[1], m[2]]);

describe("the release page's batches (issue 12: one view builder)", () => {
  it("shows a decision naming batch 1 on batch 1 only, as the batch gate answers it", async () => {
    svc = createTestService({ now: START + 2 * 60_000 });
    const id = await batchEvent("started", 1, START);
    await batchEvent("finished", 1, START + 30_000);
    await batchEvent("started", 2, START + 60_000);
    const res = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "checking batch 1 by hand", batch: 1 });
    expect(res.status, await res.clone().text()).toBe(201);

    const operator = await tokenFor(svc, "ops-alice", "operator");
    const html = await (await svc.app.request(`/releases/${id}?lang=en`, { headers: { cookie: await sessionCookie(svc, operator) } })).text();
    const lines = batchLines(html);
    expect(lines.map(([index]) => index)).toEqual(["1", "2"]);
    const gate = (await (await svc.request("GET", `/api/v1/releases/${id}/batches/1/verdict`)).json()) as { status: string; summary: string };
    expect(gate.status).toBe("hold");
    // The page says what the batch gate says: held by ops for batch 1, untouched for batch 2.
    expect(lines[0]![1]).toBe(gate.summary.replaceAll("&", "&amp;").replaceAll("'", "&#39;").replaceAll('"', "&quot;"));
    expect(lines[0]![1]).toMatch(/^Held by admin\b.*: checking batch 1 by hand/);
    expect(lines[1]![1]).not.toMatch(/Held by/);
  });
});
