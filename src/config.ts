import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const url = z.url({ protocol: /^https?$/ });

/** Values never echoed in an error message: tokens, secrets, and webhook URLs (which carry their own secret). */
const SECRET_VARS = new Set(["DEPLOY_GUARD_API_TOKEN", "DEPLOY_GUARD_WEBHOOK_SECRET", "DEPLOY_GUARD_SLACK_WEBHOOK_URL", "DEPLOY_GUARD_WEBHOOK_URL"]);

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DEPLOY_GUARD_DB: z.string().min(1).default("./data/deploy-guard.db"),
  DEPLOY_GUARD_RULES: z.string().min(1).default("./rules"),
  DEPLOY_GUARD_DB_SYNC: z.enum(["full", "normal"]).default("full"),
  DEPLOY_GUARD_API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DEPLOY_GUARD_OPEN_READS: bool.default(false),
  DEPLOY_GUARD_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  DEPLOY_GUARD_INGEST_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  DEPLOY_GUARD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  DEPLOY_GUARD_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
  DEPLOY_GUARD_PUBLIC_URL: url.optional(),
  DEPLOY_GUARD_SLACK_WEBHOOK_URL: url.optional(),
  DEPLOY_GUARD_WEBHOOK_URL: url.optional(),
  DEPLOY_GUARD_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
});

export interface Config {
  port: number;
  host: string;
  dbPath: string;
  dbSync: "full" | "normal";
  rulesDir: string;
  apiToken: string | undefined;
  openReads: boolean;
  logLevel: z.infer<typeof ConfigSchema>["DEPLOY_GUARD_LOG_LEVEL"];
  evalIntervalSeconds: number;
  ingestGraceSeconds: number;
  retentionDays: number;
  maxBodyBytes: number;
  publicUrl: string | undefined;
  slackWebhookUrl: string | undefined;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
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
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: e.DEPLOY_GUARD_DB,
    dbSync: e.DEPLOY_GUARD_DB_SYNC,
    rulesDir: e.DEPLOY_GUARD_RULES,
    apiToken: e.DEPLOY_GUARD_API_TOKEN,
    openReads: e.DEPLOY_GUARD_OPEN_READS,
    logLevel: e.DEPLOY_GUARD_LOG_LEVEL,
    evalIntervalSeconds: e.DEPLOY_GUARD_EVAL_INTERVAL_SECONDS,
    ingestGraceSeconds: e.DEPLOY_GUARD_INGEST_GRACE_SECONDS,
    retentionDays: e.DEPLOY_GUARD_RETENTION_DAYS,
    maxBodyBytes: e.DEPLOY_GUARD_MAX_BODY_BYTES,
    publicUrl: e.DEPLOY_GUARD_PUBLIC_URL,
    slackWebhookUrl: e.DEPLOY_GUARD_SLACK_WEBHOOK_URL,
    webhookUrl: e.DEPLOY_GUARD_WEBHOOK_URL,
    webhookSecret: e.DEPLOY_GUARD_WEBHOOK_SECRET,
  };
}

/** What the command-line tools may take from the environment, so a token need not appear in a process list. */
export function cliEnv(env: Record<string, string | undefined> = process.env) {
  return { url: env.DEPLOY_GUARD_URL, token: env.DEPLOY_GUARD_TOKEN, rulesDir: env.DEPLOY_GUARD_RULES ?? "./rules" };
}
