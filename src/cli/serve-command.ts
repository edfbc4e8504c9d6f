import { databaseLabel, type Config } from "../config.ts";
import { isStorageFull } from "../store/storage-full-error.ts";
import { createLogger, startService } from "../main.ts";

/** Runs the service until SIGTERM or SIGINT, then shuts down gracefully: no new requests, jobs stopped, database closed. */
export async function serveCommand(config: Config): Promise<number> {
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
