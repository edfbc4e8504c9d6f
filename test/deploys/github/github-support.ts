import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { InboundRequest } from "../../../src/deploys/adapters/adapter.ts";

export const WEBHOOK_SECRET = "github-webhook-secret-0123456789";
export const GITHUB_TOKEN = "ghs_test-installation-token-0123456789";
export const PUBLIC_URL = "https://guard.example.com";

export const fixtureText = (name: string) => readFileSync(new URL(`../../fixtures/webhooks/github/${name}`, import.meta.url), "utf8");
export const fixture = (name: string) => JSON.parse(fixtureText(name)) as Record<string, any>;

export const sign = (body: string, secret = WEBHOOK_SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** The request as GitHub sends it: event and delivery headers, the body signed with the shared secret. */
export function githubRequest(event: string, body: string | object, headers: Record<string, string | undefined> = {}): InboundRequest {
  const rawBody = typeof body === "string" ? body : JSON.stringify(body);
  const all: Record<string, string | undefined> = {
    "x-github-event": event,
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    "x-hub-signature-256": sign(rawBody),
    ...headers,
  };
  return { rawBody, header: (name) => all[name.toLowerCase()], query: () => undefined };
}

/** Polls until the condition holds; deliveries run in the background of the call that started them. */
export async function until(condition: () => boolean | Promise<boolean>, step: () => Promise<void> = async () => {}, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
    await step();
  }
}
