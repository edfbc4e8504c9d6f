import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig, type Config } from "../../src/config.ts";
import { createContainer, type Container } from "../../src/container.ts";
import { createApp, type Router } from "../../src/http/app.ts";
import type { Notifier } from "../../src/notify/notifier.ts";
import { MAX_RECORDS } from "../../src/http/body-records.ts";
import pg from "pg";
import { PgStore } from "../../src/store/pg-store.ts";
import type { Statement } from "../../src/store/store.ts";
import { cloneTemplate, dbUrl, dropDatabase } from "./postgres.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const REPO_RULES = new URL("../../rules", import.meta.url).pathname;

export interface TestService {
  dir: string;
  config: Config;
  container: Container;
  app: Router;
  clock: { now: number };
  request: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  /** A statement on the service's own store (SQLite or PostgreSQL), for tests that look at stored rows. */
  sql: <Row = Record<string, unknown>>(text: string) => Statement<Row>;
  /** Closes and reopens the container on the same database, as a restart would. */
  restart: () => void;
  close: () => Promise<void>;
}

/** DEPLOY_GUARD_TEST_STORE=postgres: every test service on its own PostgreSQL database (see global-setup.ts). */
export const TEST_STORE: "sqlite" | "postgres" = process.env.DEPLOY_GUARD_TEST_STORE === "postgres" ? "postgres" : "sqlite";

/** The real app on a real SQLite file in a temporary folder (or its own PostgreSQL database), with a clock the test moves. */
export function createTestService(options: { env?: Record<string, string>; rulesDir?: string; now?: number; notifiers?: Notifier[] } = {}): TestService {
  const dir = mkdtempSync(join(tmpdir(), "deploy-guard-test-"));
  const rulesDir = join(dir, "rules");
  cpSync(options.rulesDir ?? REPO_RULES, rulesDir, { recursive: true });
  const config = loadConfig({
    DEPLOY_GUARD_DB: join(dir, "guard.db"),
    DEPLOY_GUARD_RULES: rulesDir,
    DEPLOY_GUARD_API_TOKEN: ADMIN_TOKEN,
    DEPLOY_GUARD_LOG_LEVEL: "silent",
    DEPLOY_GUARD_DB_SYNC: "normal",
    // Tests lay out whole releases ahead of their fake clock; the bound itself is tested in test/telemetry/ingest-bounds.
    DEPLOY_GUARD_INGEST_MAX_AHEAD_SECONDS: "86400",
    ...options.env,
  });
  const clock = { now: options.now ?? Date.parse("2026-11-21T12:00:00Z") };
  const pgName = TEST_STORE === "postgres" ? cloneTemplate() : undefined;
  const store = () => (pgName ? new PgStore(new pg.Pool({ connectionString: dbUrl(pgName), max: 4 })) : undefined);
  const build = () => createContainer(config, pino({ level: "silent" }), { now: () => clock.now, notifiers: options.notifiers ?? [], store: store() });
  const svc: TestService = {
    dir, config, clock,
    container: build(),
    app: undefined as unknown as Router,
    request: async (method, path, body, headers = {}) => {
      // A request carries at most MAX_RECORDS records; larger test traffic is sent in parts, as a shipper sends it.
      const records = (body as { events?: unknown[] } | undefined)?.events;
      if (method === "POST" && path === "/api/v1/logs" && Array.isArray(records) && records.length > MAX_RECORDS) {
        let last: Response | undefined;
        for (let i = 0; i < records.length; i += MAX_RECORDS) {
          last = await svc.request(method, path, { ...(body as object), events: records.slice(i, i + MAX_RECORDS) }, headers);
          if (last.status !== 202) return last;
        }
        return last!;
      }
      const init: RequestInit = { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      return svc.app.request(path, init);
    },
    sql: (text) => svc.container.store.statement(text),
    restart: () => {
      void svc.container.close();
      svc.container = build();
      svc.app = createApp(svc.container);
    },
    close: async () => {
      await svc.container.close();
      rmSync(dir, { recursive: true, force: true });
      if (pgName) dropDatabase(pgName);
    },
  };
  svc.app = createApp(svc.container);
  return svc;
}
