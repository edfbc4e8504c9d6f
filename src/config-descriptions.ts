import type { ConfigVariable } from "./config.ts";

/** The sections of docs/configuration.md, in order. */
export const CONFIG_GROUPS = ["Server", "Storage", "Access", "Telemetry and verdicts", "Dashboard", "Alerts", "Rollback and deploy tools",
  "Source: Prometheus", "Source: Datadog", "Source: Elasticsearch"] as const;

export interface VariableDoc {
  group: (typeof CONFIG_GROUPS)[number];
  /** One line; Markdown. */
  text: string;
  /** For a default computed at start-up, which the schema cannot show. */
  default?: string;
}

/**
 * One line per variable of ConfigSchema, for docs/configuration.md (`npm run docs:config`). Typed by the schema's keys:
 * a variable added without its line does not compile, and test/config-reference.test.ts keeps the page in step.
 */
export const VARIABLE_DOCS: Record<ConfigVariable, VariableDoc> = {
  PORT: { group: "Server", text: "TCP port of the API and dashboard; `0` picks a free one. A busy port stops the start with a message naming it." },
  HOST: { group: "Server", text: "Address to listen on; `127.0.0.1` keeps the service off other machines." },
  DEPLOY_GUARD_LOG_LEVEL: { group: "Server", text: "pino log level: one JSON line per request and per job; never a token or secret." },
  DEPLOY_GUARD_PUBLIC_URL: { group: "Server", text: "Base URL for links in alerts; an `https://` URL also marks the dashboard cookie `Secure`." },
  DEPLOY_GUARD_MAX_BODY_BYTES: { group: "Server", text: "Largest request body accepted (also after gunzip); larger ones get 413." },
  DEPLOY_GUARD_HEADERS_TIMEOUT_MS: { group: "Server", text: "A request's head must arrive within this (slow-loris guard)." },
  DEPLOY_GUARD_REQUEST_TIMEOUT_MS: { group: "Server", text: "A whole request must arrive within this." },
  DEPLOY_GUARD_KEEPALIVE_TIMEOUT_MS: { group: "Server", text: "An idle kept-alive connection is closed after this." },
  DEPLOY_GUARD_MAX_CONNECTIONS: { group: "Server", text: "Connections past this many open at once are refused." },
  DEPLOY_GUARD_DB: { group: "Storage", text: "SQLite file (WAL), or `postgres://user:pass@host:5432/db` for PostgreSQL and several replicas ([scaling](scaling.md)); the log never shows the password." },
  DEPLOY_GUARD_DB_SYNC: { group: "Storage", text: "SQLite durability: `full`, an acknowledged write survives a power cut; `normal`, a process crash only, faster." },
  DEPLOY_GUARD_DB_POOL_SIZE: { group: "Storage", text: "PostgreSQL connections per replica." },
  DEPLOY_GUARD_DB_PREPARE: { group: "Storage", text: "PostgreSQL: run statements as named prepared statements, parsed once per connection (PostgreSQL's CPU per deploy lifecycle fell by 44 %). Set `false` behind PgBouncer older than 1.21, or with `max_prepared_statements = 0`, in transaction mode." },
  DEPLOY_GUARD_REPLICA_ID: { group: "Storage", default: "hostname-pid-random", text: "This replica's name in claims, leases and `/readyz`; unique among the replicas running at once." },
  DEPLOY_GUARD_RETENTION_DAYS: { group: "Storage", text: "Raw telemetry and roll-ups older than this are deleted (hourly), and so are the interim evaluations (one stored verdict per look) of releases decided longer ago; each release's final verdict is kept." },
  DEPLOY_GUARD_API_TOKEN: { group: "Access", default: "generated on first start, written to `data/admin-token`", text: "The admin API token; only its hash is stored." },
  DEPLOY_GUARD_OPEN_READS: { group: "Access", text: "Let reads (API and dashboard) through without a token, for a trusted network." },
  DEPLOY_GUARD_METRICS_TOKEN: { group: "Access", text: "A bearer token that reads `GET /metrics` and nothing else, for Prometheus ([metrics](operations.md#metrics-for-prometheus))." },
  DEPLOY_GUARD_RULES: { group: "Telemetry and verdicts", text: "Folder of rule files (YAML), validated at start-up and reloaded on change." },
  DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: { group: "Telemetry and verdicts", text: "How often releases that are due are evaluated." },
  DEPLOY_GUARD_INGEST_GRACE_SECONDS: { group: "Telemetry and verdicts", text: "How long after a minute closes its late telemetry is still waited for." },
  DEPLOY_GUARD_INGEST_MAX_AHEAD_SECONDS: { group: "Telemetry and verdicts", text: "Records and deploy events dated further ahead of the server's clock are refused (422)." },
  DEPLOY_GUARD_INGEST_MAX_DELAY_SECONDS: { group: "Telemetry and verdicts", text: "How late an `ingest` token may send records and deploy events; older history needs a `backfill` (or admin) token." },
  DEPLOY_GUARD_PRE_DEPLOY_MINUTES: { group: "Telemetry and verdicts", text: "Recent minutes of traffic the pre-deploy gate reads for the live error rate." },
  DEPLOY_GUARD_CAPACITY_REFIT_CRON: { group: "Telemetry and verdicts", text: "When the nightly capacity refit runs (node-cron, seconds first) ([capacity](capacity.md))." },
  DEPLOY_GUARD_SOURCE_TIMEOUT_MS: { group: "Telemetry and verdicts", text: "How long one query to an outside source (Prometheus, Datadog, Elasticsearch) may take." },
  DEPLOY_GUARD_SOURCE_RETRIES: { group: "Telemetry and verdicts", text: "Further tries of a source query after an error the source marks retryable (5xx, 429, a lost connection), waiting 0.5 s, 1 s, …" },
  DEPLOY_GUARD_DASHBOARDS: { group: "Dashboard", text: "Folder of dashboard definitions: which panels each service page shows, in which order ([dashboards](dashboards.md))." },
  DEPLOY_GUARD_SESSION_HOURS: { group: "Dashboard", text: "A dashboard session ends this long after sign-in." },
  DEPLOY_GUARD_SESSION_IDLE_MINUTES: { group: "Dashboard", text: "A dashboard session ends after this long without a page." },
  DEPLOY_GUARD_SLACK_WEBHOOK_URL: { group: "Alerts", text: "Slack incoming webhook for alerts ([Slack](integrations/slack.md))." },
  DEPLOY_GUARD_SLACK_BOT_TOKEN: { group: "Alerts", text: "Slack bot token: messages with Approve / Roll back buttons, updated after a decision; needs `DEPLOY_GUARD_SLACK_CHANNEL`." },
  DEPLOY_GUARD_SLACK_CHANNEL: { group: "Alerts", text: "Channel for bot-token alerts no rule routes elsewhere." },
  DEPLOY_GUARD_SLACK_SIGNING_SECRET: { group: "Alerts", text: "Checks that button presses come from Slack." },
  DEPLOY_GUARD_SLACK_APPROVERS: { group: "Alerts", default: "nobody", text: "Slack user ids whose button presses decide, or `*` for anyone in the channel." },
  DEPLOY_GUARD_SLACK_API_URL: { group: "Alerts", text: "Slack Web API base URL (tests point it at a local server)." },
  DEPLOY_GUARD_HIPCHAT_URL: { group: "Alerts", text: "HipChat (or compatible) server; set with `_TOKEN` and `_ROOM`, all three or none ([HipChat](integrations/hipchat.md))." },
  DEPLOY_GUARD_HIPCHAT_TOKEN: { group: "Alerts", text: "HipChat room notification token." },
  DEPLOY_GUARD_HIPCHAT_ROOM: { group: "Alerts", text: "HipChat room name or id." },
  DEPLOY_GUARD_WEBHOOK_URL: { group: "Alerts", text: "Generic alert webhook; needs `DEPLOY_GUARD_WEBHOOK_SECRET` ([notifications](integrations/notifications.md#generic-webhook))." },
  DEPLOY_GUARD_WEBHOOK_SECRET: { group: "Alerts", text: "Signs webhook posts: `X-Deploy-Guard-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\">`." },
  DEPLOY_GUARD_NOTIFY_THROTTLE_MAX: { group: "Alerts", text: "Releases alerted per channel, target and service in one throttle window." },
  DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES: { group: "Alerts", text: "The throttle window, aligned to the clock." },
  DEPLOY_GUARD_ROLLBACK_SECRET: { group: "Rollback and deploy tools", text: "Signs rollback webhooks (`actions.rollback.webhook`), same scheme as the alert webhook; a rule with one is refused without it." },
  DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: { group: "Rollback and deploy tools", text: "Checks GitHub webhook signatures ([GitHub](integrations/github.md))." },
  DEPLOY_GUARD_GITHUB_TOKEN: { group: "Rollback and deploy tools", text: "Posts deployment statuses and answers deployment protection rules on GitHub." },
  DEPLOY_GUARD_GITHUB_API_URL: { group: "Rollback and deploy tools", text: "GitHub API base URL (GitHub Enterprise: `https://host/api/v3`)." },
  DEPLOY_GUARD_GITHUB_APP_ID: { group: "Rollback and deploy tools", text: "The GitHub App's id: with its private key and installation id, deploy-guard mints its own installation tokens and refreshes them before they expire (instead of `DEPLOY_GUARD_GITHUB_TOKEN`)." },
  DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY: { group: "Rollback and deploy tools", text: "The App's private key, the PEM file's contents (line breaks may be written `\\n`). Checked at start-up; never logged or shown." },
  DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID: { group: "Rollback and deploy tools", text: "The id of the App's installation on the account that owns the repositories (the number at the end of the installation's settings URL)." },
  DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: { group: "Rollback and deploy tools", text: "The secret token GitLab sends with its webhooks ([GitLab](integrations/gitlab.md))." },
  DEPLOY_GUARD_PROMETHEUS_URL: { group: "Source: Prometheus", text: "Prometheus (or Mimir, Thanos) base URL for signals with templated PromQL, no credentials in it ([Prometheus](integrations/prometheus.md))." },
  DEPLOY_GUARD_PROMETHEUS_TOKEN: { group: "Source: Prometheus", text: "Bearer token for Prometheus; or `_USERNAME` and `_PASSWORD`, not both." },
  DEPLOY_GUARD_PROMETHEUS_USERNAME: { group: "Source: Prometheus", text: "Basic-auth user for Prometheus, with `_PASSWORD`." },
  DEPLOY_GUARD_PROMETHEUS_PASSWORD: { group: "Source: Prometheus", text: "Basic-auth password for Prometheus." },
  DEPLOY_GUARD_PROMETHEUS_TIMEOUT_MS: { group: "Source: Prometheus", text: "Timeout of one Prometheus query." },
  DEPLOY_GUARD_DD_API_KEY: { group: "Source: Datadog", text: "Datadog API key, with `_APP_KEY` (both or neither) ([Datadog](integrations/datadog.md))." },
  DEPLOY_GUARD_DD_APP_KEY: { group: "Source: Datadog", text: "Datadog application key." },
  DEPLOY_GUARD_DD_SITE: { group: "Source: Datadog", text: "Datadog site whose API is called (`https://api.<site>`)." },
  DEPLOY_GUARD_DD_BASE_URL: { group: "Source: Datadog", text: "Overrides the API URL derived from the site (tests point it at a local server)." },
  DEPLOY_GUARD_DD_EVENTS: { group: "Source: Datadog", text: "Also post deploys and verdicts to Datadog as events." },
  DEPLOY_GUARD_DD_TIMEOUT_MS: { group: "Source: Datadog", text: "Timeout of one Datadog request." },
  DEPLOY_GUARD_DD_MAX_RETRIES: { group: "Source: Datadog", text: "Further tries of an event post; queries follow `DEPLOY_GUARD_SOURCE_RETRIES`." },
  DEPLOY_GUARD_ES_URL: { group: "Source: Elasticsearch", text: "Elasticsearch URL for signals from request logs; or `_CLOUD_ID`, not both ([Elasticsearch](integrations/elasticsearch.md))." },
  DEPLOY_GUARD_ES_CLOUD_ID: { group: "Source: Elasticsearch", text: "Elastic Cloud deployment id, instead of `_URL`." },
  DEPLOY_GUARD_ES_API_KEY: { group: "Source: Elasticsearch", text: "Elasticsearch API key; or `_USERNAME` and `_PASSWORD`, not both." },
  DEPLOY_GUARD_ES_USERNAME: { group: "Source: Elasticsearch", text: "Basic-auth user, with `_PASSWORD`." },
  DEPLOY_GUARD_ES_PASSWORD: { group: "Source: Elasticsearch", text: "Basic-auth password." },
  DEPLOY_GUARD_ES_TIMEOUT_MS: { group: "Source: Elasticsearch", text: "Timeout of one Elasticsearch request." },
  DEPLOY_GUARD_ES_EVENTS_INDEX: { group: "Source: Elasticsearch", text: "Index or data stream to write deploys and verdicts to, for Kibana annotations; unset, none are written." },
};

/** Read by the command line (`gate`, `decide`), not by the service: a token kept out of process lists. */
export const CLI_VARIABLE_DOCS = {
  DEPLOY_GUARD_URL: "The service's URL when `--url` is not given.",
  DEPLOY_GUARD_TOKEN: "The API token when `--token` is not given.",
} as const;
