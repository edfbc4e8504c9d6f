import { serve, type ServerType } from "@hono/node-server";
import pino, { type Logger } from "pino";
import type { Config } from "./config.ts";
import { createContainer, type Container } from "./container.ts";
import { createApp } from "./http/app.ts";
import { jobList } from "./jobs/job-list.ts";
import { startJobs } from "./jobs/schedule.ts";

export interface RunningService {
  container: Container;
  server: ServerType;
  port: number;
  stop: () => Promise<void>;
}

export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({ level: config.logLevel, base: { service: "deploy-guard" }, redact: ["req.headers.authorization", "token", "*.token"] });
}

/** Start-up only: config → store → container → http server + jobs; resolves once listening. */
export async function startService(config: Config, logger = createLogger(config)): Promise<RunningService> {
  const container = createContainer(config, logger);
  const generated = container.tokens.bootstrapAdmin();
  if (generated) {
    // Printed once, to the terminal only (not the log): only its hash is kept.
    process.stderr.write(`\nFirst start: an admin API token was generated. It is shown this once; keep it safe:\n\n  ${generated}\n\n`);
  }
  container.rules.watch();
  const app = createApp(container);
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => resolve({ server: s, port: info.port }));
    s.once("error", reject);
  });
  const jobs = startJobs(jobList(config, container), logger);
  void container.verdicts.runAllDue();
  logger.info({ port, db: config.dbPath, rules: config.rulesDir }, "deploy-guard listening");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info("shutting down");
      await jobs.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      container.close();
      logger.info("stopped");
    })());
  return { container, server, port, stop };
}
