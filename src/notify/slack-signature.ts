import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../http/app-error.ts";

/** Slack refuses nothing older itself; five minutes is the window its own SDKs accept, against replays. */
const MAX_AGE_SECONDS = 300;

/** Slack's request signature: "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{raw body}" with the app's signing secret. */
export function slackSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`;
}

/** Throws a 401 unless the request is Slack's, signed with our secret, and fresh. */
export function verifySlackRequest(secret: string, timestamp: string | undefined, signature: string | undefined, body: Buffer, nowMs: number): void {
  if (!timestamp || !signature) throw new AppError("UNAUTHORIZED", "A Slack request needs the X-Slack-Request-Timestamp and X-Slack-Signature headers.");
  if (!/^\d{1,12}$/.test(timestamp)) throw new AppError("UNAUTHORIZED", "X-Slack-Request-Timestamp must be Unix seconds.");
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_AGE_SECONDS) {
    throw new AppError("UNAUTHORIZED", "X-Slack-Request-Timestamp is more than 5 minutes away from now; the request is refused as a possible replay.");
  }
  const expected = Buffer.from(slackSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError("UNAUTHORIZED", "X-Slack-Signature does not match the body; check DEPLOY_GUARD_SLACK_SIGNING_SECRET.");
  }
}
