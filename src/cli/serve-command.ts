import { databaseLabel, loadConfig, type Config } from "../config.ts";
import { isStorageFull } from "../store/storage-full-error.ts";
import { createLogger, startService } from "../main.ts";
import { command, parseCommandLine, processIo } from "./cli-parser.ts";

/** `deploy-guard serve`: its only settings are the environment's (README, Configuration). */
export async function serveCommand(args: string[]): Promise<number> {
  const cmd = command("serve", "Start the service: the API, the dashboard and the scheduled jobs. Configuration comes from the environment (PORT, DEPLOY_GUARD_DB, …; see README).");
  const parsed = parseCommandLine(cmd, args, processIo);
  return typeof parsed === "number" ? parsed : serve(loadConfig());
}

/** Runs the service until SIGTERM or SIGINT, then shuts down gracefully: no new requests, jobs stopped, database closed. */
async function serve(config: Config): Promise<number> {
  const logger = createLogger(config);
  let service;
  try {
    service = await startService(config, logger, config.serverLimits);
  } catch (err) {
    logger.fatal({ err }, "could not start");
    const why = isStorageFull(err) ? `the disk holding ${databaseLabel(config)} is full; free some space and start again` : (err as Error).message;
    process.stderr.write(`deploy-guard could not start: ${why}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      logger.info({ signal }, "signal received");
      void service.stop().then(resolve);
    };
    // A second signal while shutting down means "now": exit without waiting.
    const handle = (signal: string) => () => {
      if (stopping) process.exit(130);
      stopping = true;
      onSignal(signal);
    };
    let stopping = false;
    process.on("SIGTERM", handle("SIGTERM"));
    process.on("SIGINT", handle("SIGINT"));
  });
  return 0;
}
