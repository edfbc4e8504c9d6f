import { serve, type ServerType } from "@hono/node-server";
import type { Logger } from "pino";
import { adminTokenPath, writeAdminToken } from "./cli/admin-token-file.ts";
import { databaseLabel, type Config } from "./config.ts";
import { createContainer, type Container } from "./container.ts";
import { createApp } from "./http/app.ts";
import { applyConnectionCap, DEFAULT_SERVER_LIMITS, serverOptions, type ServerLimits } from "./http/server-limits.ts";
import { jobList } from "./jobs/job-list.ts";
import { startJobs } from "./jobs/schedule.ts";
import { createLogger } from "./observability/logger.ts";
import { openStore } from "./store/open-store.ts";

export interface RunningService {
  container: Container;
  server: ServerType;
  port: number;
  stop: () => Promise<void>;
}

export { createLogger };

/** On first start without DEPLOY_GUARD_API_TOKEN: an admin token in a 0600 file; the log says where, never what. */
async function bootstrapAdminToken(container: Container, config: Config, logger: Logger): Promise<void> {
  const generated = await container.tokens.bootstrapAdmin();
  if (!generated) return;
  const file = adminTokenPath(config.postgresUrl ? `${config.dataDir}/deploy-guard.db` : config.dbPath);
  try {
    writeAdminToken(file, generated);
  } catch (err) {
    // A token nobody can read would block the next start from making another: revoke it, so the next start tries again.
    const id = (await container.tokens.identify(generated))?.id;
    if (id) await container.tokens.revoke(id);
    throw new Error(`could not write the first-start admin token to ${file} (${(err as Error).message}); make the data directory writable, or set DEPLOY_GUARD_API_TOKEN`, { cause: err });
  }
  logger.warn({ file }, `first start: an admin API token was generated and written to ${file} (readable by this user only); store it safely, then delete the file`);
}

/** Start-up only: config → store → container → http server + jobs; resolves once listening. */
export async function startService(config: Config, logger = createLogger(config), limits: ServerLimits = DEFAULT_SERVER_LIMITS): Promise<RunningService> {
  const container = createContainer(config, logger, { store: await openStore(config) });
  await bootstrapAdminToken(container, config, logger);
  container.rules.watch();
  const app = createApp(container);
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: serverOptions(limits) }, (info) => resolve({ server: s, port: info.port }));
    s.once("error", reject);
  }).catch(async (err: unknown) => {
    // A busy port: release the rules watcher and the database, so the process ends instead of listening on nothing.
    container.rules.close();
    await container.close();
    throw err;
  });
  applyConnectionCap(server, limits);
  const jobs = startJobs(jobList(config, container), logger);
  // The first evaluation run starts now; stop() waits for it, so the store is never closed under its writes.
  const firstRun = container.verdicts.runAllDue().catch((err: unknown) => logger.error({ err }, "the evaluation run at start-up failed"));
  logger.info({ port, db: databaseLabel(config), rules: config.rulesDir }, "deploy-guard listening");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info("shutting down");
      await jobs.stop();
      // Idle kept-alive sockets would hold close() open; a request still running gets 10 s to finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      const force = setTimeout(() => (server as { closeAllConnections?: () => void }).closeAllConnections?.(), 10_000);
      await closed;
      clearTimeout(force);
      await firstRun;
      await container.close();
      logger.info("stopped");
    })());
  return { container, server, port, stop };
}
