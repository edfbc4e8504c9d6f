import { createPrivateKey, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { z } from "zod";
import { httpUrl } from "./http/url-field.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const url = httpUrl();

const isPostgresUrl = (v: string) => /^postgres(ql)?:\/\//i.test(v);

/** The database for a log line: the SQLite path, or the PostgreSQL URL without its password. */
export function databaseLabel(config: Pick<Config, "dbPath" | "postgresUrl">): string {
  if (!config.postgresUrl) return config.dbPath;
  try {
    const u = new URL(config.postgresUrl);
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

/** Values never echoed in an error message: tokens, secrets, and webhook URLs (which carry their own secret). */
export const SECRET_VARS = new Set(["DEPLOY_GUARD_API_TOKEN", "DEPLOY_GUARD_METRICS_TOKEN", "DEPLOY_GUARD_WEBHOOK_SECRET", "DEPLOY_GUARD_ROLLBACK_SECRET", "DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET", "DEPLOY_GUARD_GITHUB_TOKEN", "DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY", "DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN", "DEPLOY_GUARD_SLACK_WEBHOOK_URL", "DEPLOY_GUARD_WEBHOOK_URL",
  "DEPLOY_GUARD_SLACK_BOT_TOKEN", "DEPLOY_GUARD_SLACK_SIGNING_SECRET", "DEPLOY_GUARD_HIPCHAT_TOKEN",
  "DEPLOY_GUARD_ES_URL", "DEPLOY_GUARD_ES_CLOUD_ID", "DEPLOY_GUARD_ES_API_KEY", "DEPLOY_GUARD_ES_PASSWORD",
  "DEPLOY_GUARD_DD_API_KEY", "DEPLOY_GUARD_DD_APP_KEY",
  "DEPLOY_GUARD_PROMETHEUS_URL", "DEPLOY_GUARD_PROMETHEUS_TOKEN", "DEPLOY_GUARD_PROMETHEUS_PASSWORD"]);

/** Every variable the service reads; docs/configuration.md is generated from it and src/config-descriptions.ts. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DEPLOY_GUARD_DB: z.string().min(1).default("./data/deploy-guard.db"),
  DEPLOY_GUARD_RULES: z.string().min(1).default("./rules"),
  DEPLOY_GUARD_DASHBOARDS: z.string().min(1).default("./dashboards"),
  DEPLOY_GUARD_DB_SYNC: z.enum(["full", "normal"]).default("full"),
  DEPLOY_GUARD_DB_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  DEPLOY_GUARD_DB_PREPARE: bool.default(true),
  DEPLOY_GUARD_REPLICA_ID: z.string().regex(/^[\w.:-]{1,100}$/, "letters, digits, . _ : - (up to 100), e.g. guard-1").optional(),
  DEPLOY_GUARD_API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DEPLOY_GUARD_OPEN_READS: bool.default(false),
  DEPLOY_GUARD_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DEPLOY_GUARD_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  DEPLOY_GUARD_INGEST_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  DEPLOY_GUARD_INGEST_MAX_AHEAD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  DEPLOY_GUARD_INGEST_MAX_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  DEPLOY_GUARD_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  DEPLOY_GUARD_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  DEPLOY_GUARD_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DEPLOY_GUARD_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  DEPLOY_GUARD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  DEPLOY_GUARD_CAPACITY_REFIT_CRON: z.string().regex(/^(\S+\s+){5}\S+$/, "a six-field cron expression (seconds first), e.g. '0 30 2 * * *'").default("0 30 2 * * *"),
  DEPLOY_GUARD_PRE_DEPLOY_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  DEPLOY_GUARD_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
  DEPLOY_GUARD_PUBLIC_URL: url.optional(),
  DEPLOY_GUARD_SLACK_WEBHOOK_URL: url.optional(),
  DEPLOY_GUARD_WEBHOOK_URL: url.optional(),
  DEPLOY_GUARD_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  DEPLOY_GUARD_SLACK_BOT_TOKEN: z.string().min(8).optional(),
  DEPLOY_GUARD_SLACK_API_URL: url.default("https://slack.com/api"),
  DEPLOY_GUARD_SLACK_CHANNEL: z.string().regex(/^[#@]?[\w.-]{1,80}$/, "a channel name or id, e.g. #deploys or C0123456789").optional(),
  DEPLOY_GUARD_SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  DEPLOY_GUARD_SLACK_APPROVERS: z.string().trim().regex(/^(\*|anyone|\w+(\s*,\s*\w+)*)$/, "comma-separated Slack user ids, e.g. U012AB3CD,U045EF6GH, or * (anyone in the channel)").optional(),
  DEPLOY_GUARD_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  DEPLOY_GUARD_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(43_200).default(60),
  DEPLOY_GUARD_HIPCHAT_URL: url.optional(),
  DEPLOY_GUARD_HIPCHAT_TOKEN: z.string().min(8).optional(),
  DEPLOY_GUARD_HIPCHAT_ROOM: z.string().min(1).max(100).optional(),
  DEPLOY_GUARD_NOTIFY_THROTTLE_MAX: z.coerce.number().int().min(1).max(1000).default(5),
  DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  DEPLOY_GUARD_ROLLBACK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  DEPLOY_GUARD_GITHUB_TOKEN: z.string().min(1).optional(),
  DEPLOY_GUARD_GITHUB_API_URL: url.default("https://api.github.com"),
  DEPLOY_GUARD_GITHUB_APP_ID: z.coerce.number().int().min(1).optional(),
  DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY: z.string().transform(pkcs8Pem).refine((v) => v !== undefined, "an RSA private key in PEM (the .pem file GitHub gives), with line breaks or \\n between lines").optional(),
  DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID: z.coerce.number().int().min(1).optional(),
  DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DEPLOY_GUARD_SOURCE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  DEPLOY_GUARD_SOURCE_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  DEPLOY_GUARD_DD_SITE: z.string().regex(/^([a-z0-9-]+\.)?(datadoghq\.com|datadoghq\.eu|ddog-gov\.com)$/, "a Datadog site, e.g. datadoghq.com, us5.datadoghq.com, datadoghq.eu").default("datadoghq.com"),
  DEPLOY_GUARD_DD_API_KEY: z.string().regex(/^[\w-]{16,128}$/, "a Datadog API key").optional(),
  DEPLOY_GUARD_DD_APP_KEY: z.string().regex(/^[\w-]{16,128}$/, "a Datadog application key").optional(),
  DEPLOY_GUARD_DD_BASE_URL: url.optional(),
  DEPLOY_GUARD_DD_EVENTS: bool.default(false),
  DEPLOY_GUARD_DD_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DEPLOY_GUARD_DD_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  DEPLOY_GUARD_ES_URL: url.optional(),
  DEPLOY_GUARD_ES_CLOUD_ID: z.string().regex(/^[^:\s]*:[A-Za-z0-9+/=_-]+$/, "an Elastic Cloud id, name:base64").optional(),
  DEPLOY_GUARD_ES_API_KEY: z.string().min(8).optional(),
  DEPLOY_GUARD_ES_USERNAME: z.string().min(1).optional(),
  DEPLOY_GUARD_ES_PASSWORD: z.string().min(1).optional(),
  DEPLOY_GUARD_ES_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DEPLOY_GUARD_PROMETHEUS_URL: url.refine((u) => !/^\w+:\/\/[^/]*@/.test(u), "no credentials in the URL: use DEPLOY_GUARD_PROMETHEUS_TOKEN or _USERNAME and _PASSWORD").optional(),
  DEPLOY_GUARD_PROMETHEUS_TOKEN: z.string().min(1).optional(),
  DEPLOY_GUARD_PROMETHEUS_USERNAME: z.string().min(1).optional(),
  DEPLOY_GUARD_PROMETHEUS_PASSWORD: z.string().min(1).optional(),
  DEPLOY_GUARD_PROMETHEUS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DEPLOY_GUARD_ES_EVENTS_INDEX: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,254}$/, "a lower-case index or data stream name, e.g. deploy-guard-events").optional(),
});

export type ConfigVariable = keyof typeof ConfigSchema.shape;

export interface Config {
  port: number;
  host: string;
  /** The SQLite file (the embedded default); unused when `postgresUrl` is set. */
  dbPath: string;
  dbSync: "full" | "normal";
  /** DEPLOY_GUARD_DB=postgres://… selects PostgreSQL (several replicas, issue 14). Holds a password: never log it. */
  postgresUrl: string | undefined;
  dbPoolSize: number;
  /** PostgreSQL: run statements as named prepared statements. */
  dbPrepare: boolean;
  /** Names this process in claimed work and leases; unique among live replicas (default hostname-pid-random). */
  replicaId: string;
  /** Where the first-start admin token file goes: beside the SQLite file, or ./data with PostgreSQL. */
  dataDir: string;
  rulesDir: string;
  /** Dashboard definitions: which panels, in which order, each service page shows. */
  dashboardsDir: string;
  apiToken: string | undefined;
  openReads: boolean;
  /** A bearer token that may read /metrics and nothing else (Prometheus's scrape credentials). */
  metricsToken: string | undefined;
  logLevel: z.infer<typeof ConfigSchema>["DEPLOY_GUARD_LOG_LEVEL"];
  evalIntervalSeconds: number;
  ingestGraceSeconds: number;
  /** How far ahead of the server's clock a record or deploy event may be dated (clock skew); later ones are refused. */
  ingestMaxAheadSeconds: number;
  ingestMaxDelaySeconds: number;
  /** Slow and idle clients (src/http/server-limits.ts). */
  serverLimits: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };
  retentionDays: number;
  /** When the nightly capacity refit runs (node-cron, seconds first). */
  capacityRefitCron: string;
  /** How many recent minutes of traffic the pre-deploy gate reads for the live error rate. */
  preDeployMinutes: number;
  maxBodyBytes: number;
  publicUrl: string | undefined;
  slackWebhookUrl: string | undefined;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** approvers: the Slack user ids whose button presses decide; "anyone" only when chosen explicitly; [] = nobody. */
  slack: { botToken: string | undefined; apiUrl: string; channel: string | undefined; signingSecret: string | undefined; approvers: string[] | "anyone" };
  /** Dashboard sign-ins: a session ends maxAgeMs after sign-in or after idleMs without a request. */
  dashboardSessions: { maxAgeMs: number; idleMs: number };
  hipchat: { url: string; token: string; room: string } | undefined;
  notifyThrottle: { max: number; windowMs: number };
  /** Signs rollback webhooks; a rule with a rollback webhook is refused without it. */
  rollbackSecret: string | undefined;
  /** The few variables a rollback command inherits (PATH, HOME, …); never deploy-guard's own secrets. */
  commandBaseEnv: Record<string, string>;
  githubWebhookSecret: string | undefined;
  githubToken: string | undefined;
  /** A GitHub App's credentials: installation tokens are minted from them and refreshed before they expire. */
  githubApp: GithubAppConfig | undefined;
  githubApiUrl: string;
  gitlabWebhookToken: string | undefined;
  /** How long the verdict waits for one query of an outside source, and how often it asks again after a retryable failure. */
  sourceTimeoutMs: number;
  sourceRetries: number;
  /** Where Datadog signals are read and, with events, deploy events and verdicts are posted. */
  datadog: DatadogConfig | undefined;
  /** Where Elasticsearch signals are read and, with eventsIndex, deploy events and verdicts are indexed. */
  elasticsearch: ElasticsearchConfig | undefined;
  /** Where Prometheus signals are read (query_range). */
  prometheus: PrometheusConfig | undefined;
}

export interface GithubAppConfig {
  appId: number;
  /** PKCS#8 PEM, whatever form it was given in. A secret: never log it. */
  privateKey: string;
  installationId: number;
}

export interface PrometheusConfig {
  /** The server's base URL, without a trailing slash, e.g. http://prometheus:9090 or https://mimir/prometheus. */
  url: string;
  auth: { token: string } | { username: string; password: string } | undefined;
  timeoutMs: number;
}

export interface ElasticsearchConfig {
  target: { node: string } | { cloudId: string };
  auth: { apiKey: string } | { username: string; password: string } | undefined;
  timeoutMs: number;
  eventsIndex: string | undefined;
}

export interface DatadogConfig {
  site: string;
  /** https://api.<site>, or DEPLOY_GUARD_DD_BASE_URL (tests point it at a local server). */
  apiUrl: string;
  apiKey: string;
  appKey: string;
  timeoutMs: number;
  /** Further tries of an event post (deploys and verdicts as Datadog events); queries follow DEPLOY_GUARD_SOURCE_RETRIES. */
  maxRetries: number;
  events: boolean;
}

export class ConfigError extends Error {}

/** Parses the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      const got = SECRET_VARS.has(name) ? "value hidden" : `got ${JSON.stringify(present[name] ?? null)}`;
      return `  ${i.path.join(".")}: ${i.message} (${got})`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.DEPLOY_GUARD_WEBHOOK_URL && !e.DEPLOY_GUARD_WEBHOOK_SECRET) {
    throw new ConfigError("Invalid configuration:\n  DEPLOY_GUARD_WEBHOOK_SECRET: required when DEPLOY_GUARD_WEBHOOK_URL is set, to sign the payloads");
  }
  if (e.DEPLOY_GUARD_SLACK_BOT_TOKEN && !e.DEPLOY_GUARD_SLACK_CHANNEL) {
    throw new ConfigError("Invalid configuration:\n  DEPLOY_GUARD_SLACK_CHANNEL: required when DEPLOY_GUARD_SLACK_BOT_TOKEN is set, for alerts no route sends elsewhere");
  }
  const hipchatSet = [e.DEPLOY_GUARD_HIPCHAT_URL, e.DEPLOY_GUARD_HIPCHAT_TOKEN, e.DEPLOY_GUARD_HIPCHAT_ROOM].filter(Boolean).length;
  if (hipchatSet !== 0 && hipchatSet !== 3) {
    throw new ConfigError("Invalid configuration:\n  DEPLOY_GUARD_HIPCHAT_URL, DEPLOY_GUARD_HIPCHAT_TOKEN, DEPLOY_GUARD_HIPCHAT_ROOM: set all three or none");
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: isPostgresUrl(e.DEPLOY_GUARD_DB) ? ":memory:" : e.DEPLOY_GUARD_DB,
    dbSync: e.DEPLOY_GUARD_DB_SYNC,
    postgresUrl: isPostgresUrl(e.DEPLOY_GUARD_DB) ? e.DEPLOY_GUARD_DB : undefined,
    dbPoolSize: e.DEPLOY_GUARD_DB_POOL_SIZE,
    dbPrepare: e.DEPLOY_GUARD_DB_PREPARE,
    replicaId: e.DEPLOY_GUARD_REPLICA_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    dataDir: isPostgresUrl(e.DEPLOY_GUARD_DB) || e.DEPLOY_GUARD_DB === ":memory:" ? "./data" : dirname(e.DEPLOY_GUARD_DB),
    rulesDir: e.DEPLOY_GUARD_RULES,
    dashboardsDir: e.DEPLOY_GUARD_DASHBOARDS,
    apiToken: e.DEPLOY_GUARD_API_TOKEN,
    openReads: e.DEPLOY_GUARD_OPEN_READS,
    metricsToken: e.DEPLOY_GUARD_METRICS_TOKEN,
    logLevel: e.DEPLOY_GUARD_LOG_LEVEL,
    evalIntervalSeconds: e.DEPLOY_GUARD_EVAL_INTERVAL_SECONDS,
    ingestGraceSeconds: e.DEPLOY_GUARD_INGEST_GRACE_SECONDS,
    ingestMaxAheadSeconds: e.DEPLOY_GUARD_INGEST_MAX_AHEAD_SECONDS,
    ingestMaxDelaySeconds: e.DEPLOY_GUARD_INGEST_MAX_DELAY_SECONDS,
    serverLimits: {
      headersTimeoutMs: e.DEPLOY_GUARD_HEADERS_TIMEOUT_MS, requestTimeoutMs: e.DEPLOY_GUARD_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.DEPLOY_GUARD_KEEPALIVE_TIMEOUT_MS, maxConnections: e.DEPLOY_GUARD_MAX_CONNECTIONS,
    },
    retentionDays: e.DEPLOY_GUARD_RETENTION_DAYS,
    capacityRefitCron: e.DEPLOY_GUARD_CAPACITY_REFIT_CRON,
    preDeployMinutes: e.DEPLOY_GUARD_PRE_DEPLOY_MINUTES,
    maxBodyBytes: e.DEPLOY_GUARD_MAX_BODY_BYTES,
    publicUrl: e.DEPLOY_GUARD_PUBLIC_URL,
    slackWebhookUrl: e.DEPLOY_GUARD_SLACK_WEBHOOK_URL,
    webhookUrl: e.DEPLOY_GUARD_WEBHOOK_URL,
    webhookSecret: e.DEPLOY_GUARD_WEBHOOK_SECRET,
    slack: {
      botToken: e.DEPLOY_GUARD_SLACK_BOT_TOKEN, apiUrl: e.DEPLOY_GUARD_SLACK_API_URL, channel: e.DEPLOY_GUARD_SLACK_CHANNEL,
      signingSecret: e.DEPLOY_GUARD_SLACK_SIGNING_SECRET, approvers: slackApprovers(e.DEPLOY_GUARD_SLACK_APPROVERS),
    },
    dashboardSessions: { maxAgeMs: e.DEPLOY_GUARD_SESSION_HOURS * 3_600_000, idleMs: e.DEPLOY_GUARD_SESSION_IDLE_MINUTES * 60_000 },
    hipchat: e.DEPLOY_GUARD_HIPCHAT_URL && e.DEPLOY_GUARD_HIPCHAT_TOKEN && e.DEPLOY_GUARD_HIPCHAT_ROOM
      ? { url: e.DEPLOY_GUARD_HIPCHAT_URL, token: e.DEPLOY_GUARD_HIPCHAT_TOKEN, room: e.DEPLOY_GUARD_HIPCHAT_ROOM } : undefined,
    notifyThrottle: { max: e.DEPLOY_GUARD_NOTIFY_THROTTLE_MAX, windowMs: e.DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES * 60_000 },
    rollbackSecret: e.DEPLOY_GUARD_ROLLBACK_SECRET,
    commandBaseEnv: Object.fromEntries(["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR"].flatMap((k) => (env[k] ? [[k, env[k]]] : []))),
    githubWebhookSecret: e.DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET,
    githubToken: e.DEPLOY_GUARD_GITHUB_TOKEN,
    githubApp: githubAppConfig(e),
    githubApiUrl: e.DEPLOY_GUARD_GITHUB_API_URL,
    gitlabWebhookToken: e.DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN,
    sourceTimeoutMs: e.DEPLOY_GUARD_SOURCE_TIMEOUT_MS,
    sourceRetries: e.DEPLOY_GUARD_SOURCE_RETRIES,
    elasticsearch: elasticsearchConfig(e),
    datadog: datadogConfig(e),
    prometheus: prometheusConfig(e),
  };
}

function slackApprovers(list: string | undefined): string[] | "anyone" {
  if (list === "*" || list === "anyone") return "anyone";
  return list?.split(",").map((s) => s.trim()) ?? [];
}

/** The key as PKCS#8 PEM (GitHub hands out PKCS#1), or undefined when it is not an RSA private key. */
function pkcs8Pem(value: string): string | undefined {
  try {
    const key = createPrivateKey(value.replace(/\\n/g, "\n"));
    return key.asymmetricKeyType === "rsa" ? String(key.export({ type: "pkcs8", format: "pem" })) : undefined;
  } catch {
    return undefined;
  }
}

function githubAppConfig(e: z.infer<typeof ConfigSchema>): GithubAppConfig | undefined {
  const { DEPLOY_GUARD_GITHUB_APP_ID: appId, DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY: privateKey, DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID: installationId } = e;
  if (appId === undefined && privateKey === undefined && installationId === undefined) return undefined;
  if (!appId || !privateKey || !installationId) {
    throw new ConfigError("Invalid configuration:\n  DEPLOY_GUARD_GITHUB_APP_ID, DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY, DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID: set all three or none");
  }
  if (e.DEPLOY_GUARD_GITHUB_TOKEN) throw new ConfigError("Invalid configuration:\n  DEPLOY_GUARD_GITHUB_TOKEN, DEPLOY_GUARD_GITHUB_APP_ID: use a token or the App's credentials, not both");
  return { appId, privateKey, installationId };
}

function elasticsearchConfig(e: z.infer<typeof ConfigSchema>): ElasticsearchConfig | undefined {
  const fail = (message: string) => new ConfigError(`Invalid configuration:\n  ${message}`);
  if (e.DEPLOY_GUARD_ES_URL && e.DEPLOY_GUARD_ES_CLOUD_ID) throw fail("DEPLOY_GUARD_ES_URL, DEPLOY_GUARD_ES_CLOUD_ID: set one, not both");
  if (Boolean(e.DEPLOY_GUARD_ES_USERNAME) !== Boolean(e.DEPLOY_GUARD_ES_PASSWORD)) throw fail("DEPLOY_GUARD_ES_USERNAME, DEPLOY_GUARD_ES_PASSWORD: set both or neither");
  if (e.DEPLOY_GUARD_ES_API_KEY && e.DEPLOY_GUARD_ES_USERNAME) throw fail("DEPLOY_GUARD_ES_API_KEY, DEPLOY_GUARD_ES_USERNAME: use an API key or a user, not both");
  const target = e.DEPLOY_GUARD_ES_URL ? { node: e.DEPLOY_GUARD_ES_URL } : e.DEPLOY_GUARD_ES_CLOUD_ID ? { cloudId: e.DEPLOY_GUARD_ES_CLOUD_ID } : undefined;
  if (!target) {
    if (e.DEPLOY_GUARD_ES_EVENTS_INDEX || e.DEPLOY_GUARD_ES_API_KEY || e.DEPLOY_GUARD_ES_USERNAME) throw fail("DEPLOY_GUARD_ES_URL: required (or DEPLOY_GUARD_ES_CLOUD_ID) when other DEPLOY_GUARD_ES_ variables are set");
    return undefined;
  }
  const auth = e.DEPLOY_GUARD_ES_API_KEY ? { apiKey: e.DEPLOY_GUARD_ES_API_KEY }
    : e.DEPLOY_GUARD_ES_USERNAME && e.DEPLOY_GUARD_ES_PASSWORD ? { username: e.DEPLOY_GUARD_ES_USERNAME, password: e.DEPLOY_GUARD_ES_PASSWORD } : undefined;
  return { target, auth, timeoutMs: e.DEPLOY_GUARD_ES_TIMEOUT_MS, eventsIndex: e.DEPLOY_GUARD_ES_EVENTS_INDEX };
}

function datadogConfig(e: z.infer<typeof ConfigSchema>): DatadogConfig | undefined {
  const { DEPLOY_GUARD_DD_API_KEY: apiKey, DEPLOY_GUARD_DD_APP_KEY: appKey } = e;
  if (Boolean(apiKey) !== Boolean(appKey)) throw new ConfigError("Invalid configuration:\n  DEPLOY_GUARD_DD_API_KEY, DEPLOY_GUARD_DD_APP_KEY: set both or neither");
  if (!apiKey || !appKey) {
    if (e.DEPLOY_GUARD_DD_EVENTS) throw new ConfigError("Invalid configuration:\n  DEPLOY_GUARD_DD_EVENTS: needs DEPLOY_GUARD_DD_API_KEY and DEPLOY_GUARD_DD_APP_KEY");
    return undefined;
  }
  const apiUrl = (e.DEPLOY_GUARD_DD_BASE_URL ?? `https://api.${e.DEPLOY_GUARD_DD_SITE}`).replace(/\/+$/, "");
  return { site: e.DEPLOY_GUARD_DD_SITE, apiUrl, apiKey, appKey, timeoutMs: e.DEPLOY_GUARD_DD_TIMEOUT_MS, maxRetries: e.DEPLOY_GUARD_DD_MAX_RETRIES, events: e.DEPLOY_GUARD_DD_EVENTS };
}

function prometheusConfig(e: z.infer<typeof ConfigSchema>): PrometheusConfig | undefined {
  const fail = (message: string) => new ConfigError(`Invalid configuration:\n  ${message}`);
  const { DEPLOY_GUARD_PROMETHEUS_TOKEN: token, DEPLOY_GUARD_PROMETHEUS_USERNAME: username, DEPLOY_GUARD_PROMETHEUS_PASSWORD: password } = e;
  if (Boolean(username) !== Boolean(password)) throw fail("DEPLOY_GUARD_PROMETHEUS_USERNAME, DEPLOY_GUARD_PROMETHEUS_PASSWORD: set both or neither");
  if (token && username) throw fail("DEPLOY_GUARD_PROMETHEUS_TOKEN, DEPLOY_GUARD_PROMETHEUS_USERNAME: use a bearer token or a user, not both");
  if (!e.DEPLOY_GUARD_PROMETHEUS_URL) {
    if (token || username) throw fail("DEPLOY_GUARD_PROMETHEUS_URL: required when other DEPLOY_GUARD_PROMETHEUS_ variables are set");
    return undefined;
  }
  const auth = token ? { token } : username && password ? { username, password } : undefined;
  return { url: e.DEPLOY_GUARD_PROMETHEUS_URL.replace(/\/+$/, ""), auth, timeoutMs: e.DEPLOY_GUARD_PROMETHEUS_TIMEOUT_MS };
}

/** What the command-line tools may take from the environment, so a token need not appear in a process list. */
export function cliEnv(env: Record<string, string | undefined> = process.env) {
  return { url: env.DEPLOY_GUARD_URL, token: env.DEPLOY_GUARD_TOKEN, rulesDir: env.DEPLOY_GUARD_RULES ?? "./rules", dashboardsDir: env.DEPLOY_GUARD_DASHBOARDS ?? "./dashboards" };
}
