import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { AuditLog } from "./decisions/audit-log.ts";
import { DecisionService } from "./decisions/decision-service.ts";
import { DecidedViews } from "./decisions/decision-views.ts";
import { VerdictQuality } from "./decisions/verdict-quality.ts";
import { RollbackRequests } from "./decisions/rollback-requests.ts";
import { rollbackRuleCheck } from "./decisions/rollback-rule-check.ts";
import { RollbackRunner } from "./decisions/rollback-runner.ts";
import { RollbackResolution } from "./decisions/rollback-resolution.ts";
import { GithubApi } from "./deploys/adapters/github-api.ts";
import { githubTokenSource } from "./deploys/adapters/github-app-auth.ts";
import { GithubIntegration } from "./deploys/adapters/github-integration.ts";
import { DeployService } from "./deploys/deploy-service.ts";
import { VersionDetector } from "./deploys/version-detector.ts";
import { GithubStatusNotifier } from "./notify/github-status-notifier.ts";
import { HipChatNotifier } from "./notify/hipchat-notifier.ts";
import { NotificationDispatcher } from "./notify/notification-dispatcher.ts";
import { NotificationOutbox } from "./notify/notification-outbox.ts";
import { SlackApi } from "./notify/slack-api.ts";
import { SlackApiNotifier } from "./notify/slack-api-notifier.ts";
import type { Notifier } from "./notify/notifier.ts";
import { SlackNotifier } from "./notify/slack-notifier.ts";
import { WebhookNotifier } from "./notify/webhook-notifier.ts";
import { RuleSet } from "./rules/rule-set.ts";
import { DashboardDefinitions } from "./dashboard/definitions/dashboard-definitions.ts";
import { SessionService } from "./dashboard/session-service.ts";
import { SlackReplayGuard } from "./notify/slack-replay-guard.ts";
import { createSources, type Sources } from "./sources/registry.ts";
import type { MetricSource, SourceKind } from "./sources/source.ts";
import { SourceHealthCache } from "./sources/source-health.ts";
import { withSourceWarnings } from "./sources/unconfigured-sources.ts";
import { createDatadogEvents } from "./sources/datadog/datadog-events.ts";
import { createEventIndexer } from "./sources/elasticsearch/event-indexer.ts";
import { fanOut, NO_EVENTS, type EventSink } from "./sources/event-sink.ts";
import { sourceCallPolicy } from "./sources/source-call.ts";
import type { Db } from "./store/db.ts";
import { SqliteStore } from "./store/sqlite-store.ts";
import type { Store } from "./store/store.ts";
import { StorageHealth } from "./http/storage-full.ts";
import { TelemetryStore } from "./telemetry/telemetry-store.ts";
import { IngestPolicy } from "./telemetry/ingest-policy.ts";
import { WindowReader } from "./telemetry/window-reader.ts";
import { PreDeployGate } from "./gates/pre-deploy-gate.ts";
import { GateVerdicts } from "./gates/gate-verdicts.ts";
import { ReleaseLookup } from "./gates/release-lookup.ts";
import { TokenService } from "./tokens/token-service.ts";
import { BaselineResolver } from "./verdicts/baseline-resolver.ts";
import { BatchVerdicts } from "./verdicts/batch-verdicts.ts";
import { BatchJudge } from "./verdicts/batch-judge.ts";
import { Evaluator } from "./verdicts/evaluator.ts";
import { ExternalReader } from "./verdicts/external-reads.ts";
import { OnsetLocator } from "./verdicts/onset-locator.ts";
import { VerdictService } from "./verdicts/verdict-service.ts";
import { claimLeaseMs } from "./verdicts/release-claims.ts";
import { ReleaseQueries } from "./verdicts/release-queries.ts";
import { VerdictRecorder } from "./verdicts/verdict-recorder.ts";
import { LateDataStage } from "./verdicts/late-data-stage.ts";
import { alertReaction, eventSinkReaction, rollbackReaction } from "./verdicts/verdict-reactions.ts";
import { EvaluationRetention } from "./verdicts/evaluation-retention.ts";
import { SequentialEvaluator } from "./verdicts/sequential-evaluator.ts";
import { ErrorSignatureReader } from "./telemetry/error-signature-reader.ts";
import { CapacityFitter } from "./capacity/capacity-fitter.ts";
import { CapacityReader } from "./capacity/capacity-reader.ts";
import { SourceSeriesReader } from "./capacity/source-series-reader.ts";
import { CapacityService } from "./capacity/capacity-service.ts";
import { JobLeases } from "./jobs/job-leases.ts";
import { PrometheusMetrics } from "./observability/prometheus-metrics.ts";
import { StoreReadings } from "./observability/metrics-readings.ts";
import { metricsReaction } from "./observability/verdict-metrics.ts";
import { AnalysisService } from "./analyses/analysis-service.ts";

export interface Container {
  config: Config;
  logger: Logger;
  /** The drizzle handle of `store`, for tests that look at rows; application code goes through `store`. */
  db: Db;
  now: () => number;
  rules: RuleSet;
  /** Dashboard definitions: `dashboards.dashboardFor(service)` gives the panels, in order, a service page shows. */
  dashboards: DashboardDefinitions;
  tokens: TokenService;
  /** Dashboard sign-ins, server-side: the cookie holds a session id, never a token. */
  sessions: SessionService;
  /** Slack button presses already handled, so a replayed press decides nothing. */
  slackReplays: SlackReplayGuard;
  telemetry: TelemetryStore;
  /** Deletes the interim evaluations of releases decided longer ago than the retention. */
  evaluationRetention: EvaluationRetention;
  /** Per-minute roll-ups of pushed telemetry, read for verdicts and the dashboard's charts. */
  reader: WindowReader;
  deploys: DeployService;
  verdicts: VerdictService;
  /** On-demand analyses: a control window against an experiment window (Kayenta, Keptn). */
  analyses: AnalysisService;
  /** Release lists and a release's deploys, for the API and the dashboard. */
  releases: ReleaseQueries;
  /** Where signals are read: pushed telemetry, and Elasticsearch, Datadog and Prometheus when configured. */
  sources: Sources;
  sourceHealth: SourceHealthCache;
  /** Capacity models: nightly refits, per-release comparisons, headroom. */
  capacity: CapacityService;
  batches: BatchVerdicts;
  gateVerdicts: GateVerdicts;
  preDeployGate: PreDeployGate;
  dispatcher: NotificationDispatcher;
  outbox: NotificationOutbox;
  /** The Slack Web API when a bot token is configured (messages edited in place, answers to button presses). */
  slackApi: SlackApi | undefined;
  decisions: DecisionService;
  /** The one place a verdict is paired with the decision in force (release, or batch k). */
  views: DecidedViews;
  verdictQuality: VerdictQuality;
  audit: AuditLog;
  rollbacks: RollbackRunner;
  /** A person's answer to a rollback whose fate a crash made unknown: retry or done. */
  rollbackResolution: RollbackResolution;
  /** Deployment statuses and protection-rule answers, when DEPLOY_GUARD_GITHUB_TOKEN is set. */
  github: GithubIntegration | undefined;
  /** Where every service reads and writes: the SQLite file, or PostgreSQL (DEPLOY_GUARD_DB=postgres://…). */
  store: Store;
  /** Whether the disk is full: /readyz reports it, the error handler answers 503 while it is. */
  storage: StorageHealth;
  /** This process among the replicas on one database (DEPLOY_GUARD_REPLICA_ID): named in claims and leases. */
  replicaId: string;
  /** Leases of the jobs one replica at a time runs (src/jobs/job-list.ts). */
  jobLeases: JobLeases;
  /** Prometheus metrics of this container (GET /metrics), in its own registry. */
  metrics: PrometheusMetrics;
  close: () => Promise<void>;
}

/** The one composition root: everything the service needs, built from configuration. */
export function createContainer(config: Config, logger: Logger, options: { now?: () => number; notifiers?: Notifier[]; sources?: Partial<Record<SourceKind, MetricSource>>; store?: Store } = {}): Container {
  const now = options.now ?? Date.now;
  if (config.postgresUrl && !options.store) throw new Error("PostgreSQL is configured: open it with openStore() and pass it as options.store");
  const store = options.store ?? SqliteStore.open(config.dbPath, config.dbSync);
  const rules = new RuleSet(config.rulesDir, logger.child({ component: "rules" }), withSourceWarnings(rollbackRuleCheck(config.rollbackSecret), config, logger.child({ component: "rules" })));
  rules.load();
  const dashboards = new DashboardDefinitions(config.dashboardsDir);
  dashboards.load(logger.child({ component: "dashboards" }));
  const slackApi = config.slack.botToken ? new SlackApi(config.slack.apiUrl, config.slack.botToken) : undefined;
  const githubTokens = githubTokenSource(config);
  const githubApi = githubTokens ? new GithubApi(config.githubApiUrl, githubTokens) : undefined;
  const notifiers: Notifier[] = options.notifiers ?? [
    ...(slackApi && config.slack.channel ? [new SlackApiNotifier(slackApi, config.slack.channel, slackButtons(config))]
      : config.slackWebhookUrl ? [new SlackNotifier(config.slackWebhookUrl)] : []),
    ...(config.hipchat ? [new HipChatNotifier(config.hipchat.url, config.hipchat.token, config.hipchat.room)] : []),
    ...(config.webhookUrl && config.webhookSecret ? [new WebhookNotifier(config.webhookUrl, config.webhookSecret, now)] : []),
    ...(githubApi ? [new GithubStatusNotifier(githubApi)] : []),
  ];
  const sources = createSources(config, store, options.sources);
  const metrics = new PrometheusMetrics({ readings: new StoreReadings(store), channels: notifiers.map((n) => n.channel), sources: sources.outside().map((s) => s.kind) });
  const dispatcher = new NotificationDispatcher(store, notifiers, config.publicUrl, logger.child({ component: "alerts" }), now, config.replicaId, metrics);
  const audit = new AuditLog(store, now);
  // The outbox is built below; an unknown rollback is only found at run time, after it exists.
  const rollbacks = new RollbackRunner(store, audit, config.rollbackSecret, logger.child({ component: "rollbacks" }), now, config.commandBaseEnv, async (release, message, at) => {
    if ((await outbox.enqueueRollbackUnknown(release, message, at)) > 0) queueMicrotask(() => void dispatcher.deliverDue().catch(() => undefined));
  }, config.replicaId);
  const rollbackRequests = new RollbackRequests(store, audit, config.publicUrl, () => void rollbacks.runDue().catch(() => undefined));
  const outbox = new NotificationOutbox(store, rules, notifiers, config.notifyThrottle);
  const graceMs = config.ingestGraceSeconds * 1000;
  const capacitySources = new SourceSeriesReader(sources, { ...sourceCallPolicy(config), onSourceError: (kind) => metrics.sourceError(kind) });
  const capacity = new CapacityService(store, rules, new CapacityFitter(new CapacityReader(store, capacitySources)), graceMs, now);
  // Deploys and verdicts also go to the dashboards people watch, in the background, after each commit.
  const eventSinks: EventSink[] = [
    createDatadogEvents(config, logger.child({ component: "datadog-events" })),
    createEventIndexer(config, logger.child({ component: "es-events" })),
  ].filter((s) => s !== undefined);
  const events = eventSinks.length > 0 ? fanOut(eventSinks) : NO_EVENTS;
  // A final verdict is completed (capacity) before it is stored; then, in order, what follows every recorded verdict.
  const recorder = new VerdictRecorder(store, {
    stages: [capacity, new LateDataStage(store, audit)],
    reactions: [
      rollbackReaction(rollbackRequests),
      alertReaction(outbox, () => void dispatcher.deliverDue().catch(() => undefined)),
      eventSinkReaction(events),
      metricsReaction(metrics),
    ],
    onReactionError: (reaction, err) => logger.warn({ err, reaction }, "a reaction to a verdict failed"),
  });
  const reader = new WindowReader(store);
  const evaluator = new Evaluator(sources.builtin, new ExternalReader(sources, { ...sourceCallPolicy(config), onSourceError: (kind) => metrics.sourceError(kind) }));
  const baselines = new BaselineResolver(store);
  const sequential = new SequentialEvaluator(reader, evaluator, baselines, new ErrorSignatureReader(store));
  const verdicts = new VerdictService(store, rules, evaluator, baselines, new OnsetLocator(store, reader), recorder, sequential, graceMs, now, (release, err) =>
    logger.error({ err, release: release.id }, "evaluation failed; it will be retried at the next run"),
  claimLeaseMs(config.sourceTimeoutMs, config.sourceRetries), metrics, config.dbPoolSize);
  const kickAlerts = () => void dispatcher.deliverDue().catch(() => undefined);
  const decisions = new DecisionService(store, verdicts, audit, rollbackRequests, outbox, now, kickAlerts);
  const views = new DecidedViews((id, batch) => decisions.current(id, batch));
  // Gates answer from the verdict view, so an operator's decision overrides the engine there too.
  const gateVerdicts = new GateVerdicts(new ReleaseLookup(store), (r) => views.verdict(r));
  const preDeployGate = new PreDeployGate(gateVerdicts, rollbackRequests, rules, reader, config.preDeployMinutes, now);
  const tokens = new TokenService(store, config.apiToken, now);
  const deploys = new DeployService(store, rules, recorder, graceMs, now, events, IngestPolicy.fromConfig(config, now));
  const github = githubApi && new GithubIntegration(githubApi, store, preDeployGate, logger.child({ component: "github" }), now, kickAlerts);
  return {
    config,
    logger,
    db: store.db,
    now,
    rules,
    dashboards,
    tokens,
    sessions: new SessionService(store, (id) => tokens.identifyById(id), config.apiToken, config.dashboardSessions, now),
    slackReplays: new SlackReplayGuard(store, now),
    telemetry: new TelemetryStore(store, new VersionDetector(store, rules, deploys, audit, now)),
    evaluationRetention: new EvaluationRetention(store),
    reader,
    deploys,
    verdicts,
    analyses: new AnalysisService(store, rules, evaluator, graceMs, now),
    releases: new ReleaseQueries(store),
    sources,
    sourceHealth: new SourceHealthCache(sources, now),
    capacity,
    batches: new BatchVerdicts(store, verdicts, baselines, evaluator, recorder, new BatchJudge(reader), graceMs, now),
    gateVerdicts,
    preDeployGate,
    dispatcher,
    outbox,
    slackApi,
    decisions,
    views,
    verdictQuality: new VerdictQuality(store),
    audit,
    rollbacks,
    rollbackResolution: new RollbackResolution(store, audit, () => void rollbacks.runDue().catch(() => undefined)),
    github,
    store,
        storage: new StorageHealth(store, config.dbPath, now),
    replicaId: config.replicaId,
    jobLeases: new JobLeases(store, config.replicaId, now),
    metrics,
    close: async () => {
      rules.close();
      await store.close();
    },
  };
}

/** Decision buttons only where a press can act: signed interactions and someone allowed to press. */
export function slackButtons(config: Config): boolean {
  const { signingSecret, approvers } = config.slack;
  return signingSecret !== undefined && (approvers === "anyone" || approvers.length > 0);
}
