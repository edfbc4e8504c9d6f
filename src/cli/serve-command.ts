import type { Config } from "../config.ts";
import { createLogger, startService } from "../main.ts";

/** Runs the service until SIGTERM or SIGINT, then shuts down gracefully: no new requests, jobs stopped, database closed. */
export async function serveCommand(config: Config): Promise<number> {
  const logger = createLogger(config);
  let service;
  try {
    service = await startService(config, logger);
  } catch (err) {
    logger.fatal({ err }, "could not start");
    process.stderr.write(`deploy-guard could not start: ${(err as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      logger.info({ signal }, "signal received");
      void service.stop().then(resolve);
    };
    process.once("SIGTERM", () => onSignal("SIGTERM"));
    process.once("SIGINT", () => onSignal("SIGINT"));
  });
  return 0;
}
