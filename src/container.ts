import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { DeployService } from "./deploys/deploy-service.ts";
import { NotificationDispatcher } from "./notify/notification-dispatcher.ts";
import type { Notifier } from "./notify/notifier.ts";
import { SlackNotifier } from "./notify/slack-notifier.ts";
import { WebhookNotifier } from "./notify/webhook-notifier.ts";
import { RuleSet } from "./rules/rule-set.ts";
import { BuiltinSource } from "./sources/builtin-source.ts";
import { openDb, type Db } from "./store/db.ts";
import { WriteQueue } from "./store/write-queue.ts";
import { TelemetryStore } from "./telemetry/telemetry-store.ts";
import { WindowReader } from "./telemetry/window-reader.ts";
import { TokenService } from "./tokens/token-service.ts";
import { BaselineResolver } from "./verdicts/baseline-resolver.ts";
import { BatchVerdicts } from "./verdicts/batch-verdicts.ts";
import { Evaluator } from "./verdicts/evaluator.ts";
import { OnsetLocator } from "./verdicts/onset-locator.ts";
import { VerdictRecorder } from "./verdicts/verdict-recorder.ts";
import { VerdictService } from "./verdicts/verdict-service.ts";

export interface Container {
  config: Config;
  logger: Logger;
  db: Db;
  now: () => number;
  rules: RuleSet;
  tokens: TokenService;
  telemetry: TelemetryStore;
  deploys: DeployService;
  verdicts: VerdictService;
  batches: BatchVerdicts;
  dispatcher: NotificationDispatcher;
  writes: WriteQueue;
  close: () => void;
}

/** The one composition root: everything the service needs, built from configuration. */
export function createContainer(config: Config, logger: Logger, options: { now?: () => number; notifiers?: Notifier[] } = {}): Container {
  const now = options.now ?? Date.now;
  const db = openDb(config.dbPath, config.dbSync);
  const rules = new RuleSet(config.rulesDir, logger.child({ component: "rules" }));
  rules.load();
  const notifiers: Notifier[] = options.notifiers ?? [
    ...(config.slackWebhookUrl ? [new SlackNotifier(config.slackWebhookUrl)] : []),
    ...(config.webhookUrl && config.webhookSecret ? [new WebhookNotifier(config.webhookUrl, config.webhookSecret, now)] : []),
  ];
  const dispatcher = new NotificationDispatcher(db, notifiers, config.publicUrl, logger.child({ component: "alerts" }), now);
  const recorder = new VerdictRecorder(db, dispatcher.channels, () => void dispatcher.deliverDue().catch(() => undefined));
  const graceMs = config.ingestGraceSeconds * 1000;
  const reader = new WindowReader(db);
  const evaluator = new Evaluator(new BuiltinSource(reader));
  const baselines = new BaselineResolver(db);
  const verdicts = new VerdictService(db, rules, evaluator, baselines, new OnsetLocator(db, reader), recorder, graceMs, now, (release, err) =>
    logger.error({ err, release: release.id }, "evaluation failed; it will be retried at the next run"),
  );
  return {
    config,
    logger,
    db,
    now,
    rules,
    tokens: new TokenService(db, config.apiToken, now),
    telemetry: new TelemetryStore(db),
    deploys: new DeployService(db, rules, recorder, graceMs, now),
    verdicts,
    batches: new BatchVerdicts(db, verdicts, baselines, evaluator, recorder, now),
    dispatcher,
    writes: new WriteQueue(db),
    close: () => {
      rules.close();
      db.$client.close();
    },
  };
}
