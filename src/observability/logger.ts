import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "../config.ts";

/** Fields whose value is a credential wherever they appear: tokens, keys, passwords, signing secrets. */
const SECRET_FIELDS = ["authorization", "Authorization", "cookie", "token", "accessToken", "botToken", "apiKey", "appKey", "password",
  "secret", "signingSecret", "webhookSecret", "rollbackSecret", "privateKey", "clientSecret"];
/** Fields holding a URL whose path or query may be the secret (a Slack incoming webhook, a database URL). */
const URL_FIELDS = ["url", "webhookUrl", "slackWebhookUrl", "postgresUrl", "callbackUrl"];
/** Request headers that carry a credential, in the places clients keep them (req.headers, err.request.headers, …). */
const SECRET_HEADERS = ["authorization", "Authorization", "proxy-authorization", "cookie", "x-gitlab-token", "x-api-key", "dd-api-key", "dd-application-key"];

const atDepths = (field: string, depth: number) => Array.from({ length: depth + 1 }, (_, d) => [...Array<string>(d).fill("*"), field].join("."));

export const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => atDepths(f, 2)),
  ...URL_FIELDS.flatMap((f) => atDepths(f, 2)),
  ...SECRET_HEADERS.flatMap((h) => atDepths(`headers["${h}"]`, 3)),
  'err.meta.meta.request.params.headers["authorization"]',
];

const URL_KEYS = new Set(URL_FIELDS);

/** A URL keeps its scheme and host, so a line still says where; its path, query and credentials are dropped. */
function censor(value: unknown, path: string[]): string {
  if (typeof value === "string" && URL_KEYS.has(path.at(-1) ?? "")) {
    try {
      const u = new URL(value);
      return `${u.protocol}//${u.host}/[redacted]`;
    } catch {
      return "[redacted]";
    }
  }
  return "[redacted]";
}

/**
 * The one logger. Code keeps secrets out of log lines (request-log never logs headers or bodies, sources redact their
 * error messages); `redact` is the second line of defence for an object logged whole, such as an error with its request.
 */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, base: { service: "deploy-guard" }, redact: { paths: REDACTED_PATHS, censor } };
  return destination ? pino(options, destination) : pino(options);
}
