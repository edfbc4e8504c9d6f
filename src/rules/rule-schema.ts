import { z } from "zod";
import { CapacityRuleSchema } from "../capacity/capacity-rule.ts";
import { httpUrl } from "../http/url-field.ts";
import { checkSignalQuery } from "../sources/query-schemas.ts";
import { SOURCE_KINDS, type SourceKind } from "../sources/source.ts";

export { SOURCE_KINDS, type SourceKind };
export const SIGNAL_KINDS = ["error_rate", "latency", "metric", "new_errors", "error_budget"] as const;
export const DIRECTIONS = ["increase", "decrease", "either"] as const;
export const NO_DATA_POLICIES = ["pass", "hold", "fail"] as const;
/**
 * auto (the default): a concurrent comparison when the deploy names hosts or batches, or telemetry carries the version
 * and both versions serve at once; otherwise a forecast from the service's history (level + daily + weekly cycle), or the
 * hour before the deploy, of low assurance, for a service with under a day of history.
 * before_deploy: the minutes before the deploy started. concurrent: during the analysis window, the hosts not yet
 * updated (removes time-of-day effects in a rolling deploy). previous_release: the last release that passed, at the
 * same time since its deploy. week_ago: the analysis window's hours a week earlier. pinned: a named release.
 */
export const BASELINE_KINDS = ["auto", "before_deploy", "concurrent", "previous_release", "week_ago", "pinned"] as const;
export type BaselineKind = (typeof BASELINE_KINDS)[number];
export const NOTIFY_CHANNELS = ["slack", "webhook", "hipchat"] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

export type SignalKind = (typeof SIGNAL_KINDS)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type NoDataPolicy = (typeof NO_DATA_POLICIES)[number];

export const ROLLBACK_ON = ["warn", "fail", "hold"] as const;
/** When batch k+1 of a rolling deploy may start: after a bake with no fail, or only once the evidence rules a rise out. */
export const BATCH_PROCEED = ["bake", "evidence"] as const;
/** enforce: the verdict blocks; observe: judged, stored, shown and alerted as "would have failed", never blocking. */
export const RULE_MODES = ["enforce", "observe"] as const;
export type RuleMode = (typeof RULE_MODES)[number];

/** Where a rollback goes; no secret lives in a rule: webhooks are signed with DEPLOY_GUARD_ROLLBACK_SECRET. */
const RollbackActionSchema = z
  .strictObject({
    on: z.array(z.enum(ROLLBACK_ON)).min(1).default(["fail"]).describe("final verdicts that roll back; an operator's rollback decision always does"),
    webhook: z.strictObject({ url: httpUrl() }).optional().describe("POSTed a signed JSON payload"),
    command: z.array(z.string().min(1)).min(1).optional().describe("argv, run without a shell, with the release's details in its environment"),
    timeout_seconds: z.number().int().min(1).max(3600).default(60),
    max_attempts: z.number().int().min(1).max(20).default(5).describe("attempts before the rollback is recorded as failed"),
  })
  .refine((r) => (r.webhook === undefined) !== (r.command === undefined), { message: "give either webhook or command, not both" });
export type RollbackAction = z.infer<typeof RollbackActionSchema>;

const Glob = z.string().min(1).regex(/^[\w.*:/@-]+$/, "letters, digits, . _ - : / @ and * only");

/** Which channel and room hear of which statuses; targets are names, never URLs, which stay in the environment. */
const NotifyRouteSchema = z
  .strictObject({
    channel: z.enum(NOTIFY_CHANNELS),
    target: z.string().regex(/^[#@]?[\w .-]{1,100}$/, "a channel or room name or id, e.g. #payments-alerts or Ops").optional()
      .describe("Slack channel or HipChat room; the configured default when left out"),
    on: z.array(z.enum(["pass", "warn", "fail", "hold"])).min(1).default(["warn", "fail", "hold"]),
    service: Glob.optional().describe("only releases of these services"),
  })
  .refine((r) => r.channel !== "webhook" || r.target === undefined, { message: "the webhook has one configured URL; it takes no target", path: ["target"] });
export type NotifyRoute = z.infer<typeof NotifyRouteSchema>;

/** The smallest change that matters: both the relative and the absolute floor must be exceeded. */
const EffectFloor = z.strictObject({
  relative: z.number().min(0).describe("fraction of the baseline, e.g. 0.25 for +25 %"),
  absolute: z.number().min(0).default(0).describe("in the signal's unit: a fraction for error rates, ms for latency"),
});
/** error_budget judges against its objective, not a baseline: its `fail` may be left out and is not used. */
const NO_FLOOR = { relative: 0, absolute: 0 };

const SignalSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "lower-case letters, digits and _ only, starting with a letter"),
    description: z.string().optional(),
    source: z.enum(SOURCE_KINDS).default("builtin").describe("where the signal is read: pushed telemetry (builtin) or a configured outside source"),
    query: z.record(z.string(), z.unknown()).optional().describe("what to read from an outside source; its fields depend on the source (docs/integrations/<source>.md)"),
    kind: z.enum(SIGNAL_KINDS),
    metric: z.string().min(1).optional().describe("metric name, for kind: metric"),
    route: Glob.optional().describe("only requests of these routes"),
    by_route: z.boolean().default(false).describe("compare each route with itself and combine, so a change in route mix is not blamed on the release"),
    direction: z.enum(DIRECTIONS).default("increase"),
    fail: EffectFloor.optional().describe("required, except for kind error_budget"),
    warn: EffectFloor.optional(),
    detect: EffectFloor.optional().describe("the rise a pass must rule out at 95 %, else hold with the minutes needed; default: the fail floor"),
    limit: z.number().min(0).optional().describe("fail whenever the candidate value is above this, whatever the baseline"),
    min_samples: z.number().int().min(1).default(100).describe("fewer requests or points than this on either side count as no data"),
    weight: z.number().positive().default(1),
    critical: z.boolean().default(false),
    no_data: z.enum(NO_DATA_POLICIES).default("hold"),
    mode: z.enum(RULE_MODES).default("enforce").describe("observe: judged and shown beside the others, never fails or holds the release"),
    // new_errors (issue 11): kinds of error unseen in the lookback, from pushed logs
    fail_on_own: z.boolean().optional().describe("new_errors: fail the release on this signal alone, else warn (default true)"),
    lookback_days: z.number().int().min(1).max(30).optional().describe("new_errors: a kind is new when unseen this many days before the deploy (default 7)"),
    min_events: z.number().int().min(1).optional().describe("new_errors: fewer events in new kinds never fail (default 3)"),
    // error_budget (issue 11): the error rate against an SLO's burn rate, with no baseline
    objective: z.number().min(0.5).max(0.99999).optional().describe("error_budget: the share of requests that must succeed, e.g. 0.999 (required)"),
    burn_rate: z.number().min(1).optional()
      .describe("error_budget: fail when the error rate is credibly above burn_rate × (1 − objective) (default 14.4: 2 % of 30 days' budget in an hour)"),
  })
  .superRefine((s, ctx) => {
    if (s.kind === "new_errors" && s.source !== "builtin") ctx.addIssue({ code: "custom", path: ["source"], message: "new_errors reads pushed logs: source builtin only" });
    if (s.kind === "new_errors" && s.by_route) ctx.addIssue({ code: "custom", path: ["by_route"], message: "not for new_errors" });
    for (const option of ["fail_on_own", "lookback_days", "min_events"] as const) {
      if (s.kind !== "new_errors" && s[option] !== undefined) ctx.addIssue({ code: "custom", path: [option], message: "only for kind: new_errors" });
    }
    if (s.kind !== "error_budget" && s.fail === undefined) ctx.addIssue({ code: "custom", path: ["fail"], message: "required" });
    for (const option of ["objective", "burn_rate"] as const) {
      if (s.kind !== "error_budget" && s[option] !== undefined) ctx.addIssue({ code: "custom", path: [option], message: "only for kind: error_budget" });
    }
    if (s.kind === "error_budget") {
      if (s.objective === undefined) ctx.addIssue({ code: "custom", path: ["objective"], message: "required when kind is error_budget" });
      else if ((s.burn_rate ?? 14.4) * (1 - s.objective) >= 1) ctx.addIssue({ code: "custom", path: ["burn_rate"], message: "burn_rate × (1 − objective) must be below 1" });
      if (s.source !== "builtin") ctx.addIssue({ code: "custom", path: ["source"], message: "error_budget reads pushed request logs: source builtin only" });
      if (s.by_route) ctx.addIssue({ code: "custom", path: ["by_route"], message: "not for error_budget" });
      if (s.direction !== "increase") ctx.addIssue({ code: "custom", path: ["direction"], message: "error_budget fails on a rise only: increase" });
    }
    if (s.kind === "metric" && !s.metric) ctx.addIssue({ code: "custom", path: ["metric"], message: "required when kind is metric" });
    if (s.kind !== "metric" && s.metric) ctx.addIssue({ code: "custom", path: ["metric"], message: "only for kind: metric" });
    if (s.kind === "metric" && s.by_route) ctx.addIssue({ code: "custom", path: ["by_route"], message: "only for error_rate and latency" });
    if (s.fail && s.detect && s.detect.relative < s.fail.relative) {
      ctx.addIssue({ code: "custom", path: ["detect", "relative"], message: "must not be below fail.relative: a pass cannot promise to rule out less than a fail detects" });
    }
    if (s.fail && s.warn && s.warn.relative > s.fail.relative) {
      ctx.addIssue({ code: "custom", path: ["warn", "relative"], message: "must not exceed fail.relative" });
    }
    if (s.source !== "builtin" && s.by_route) ctx.addIssue({ code: "custom", path: ["by_route"], message: "only for source builtin, whose telemetry keeps each route apart" });
  })
  .transform((s, ctx) => {
    if (s.kind === "new_errors") {
      if (s.query !== undefined) ctx.addIssue({ code: "custom", path: ["query"], message: "new_errors takes no query" });
      return s.query !== undefined ? z.NEVER : { ...s, query: undefined, fail: s.fail ?? NO_FLOOR, fail_on_own: s.fail_on_own ?? true, lookback_days: s.lookback_days ?? 7, min_events: s.min_events ?? 3 };
    }
    if (s.kind === "error_budget") {
      if (s.query !== undefined) ctx.addIssue({ code: "custom", path: ["query"], message: "error_budget takes no query" });
      return s.query !== undefined ? z.NEVER : { ...s, query: undefined, fail: s.fail ?? NO_FLOOR, burn_rate: s.burn_rate ?? 14.4 };
    }
    const checked = checkSignalQuery(s.source, s.kind, s.query);
    for (const issue of checked.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    return checked.issues.length > 0 ? z.NEVER : { ...s, fail: s.fail ?? NO_FLOOR, query: checked.query };
  });

export const RuleSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "lower-case letters, digits, . _ - only"),
    description: z.string().optional(),
    extends: z.string().optional()
      .describe("another rule of the folder this one adds to: its fields override, blocks merge one level, signals merge by name (remove: true drops one)"),
    mode: z.enum(RULE_MODES).default("enforce")
      .describe("observe: judged, stored, shown and alerted as \"would have failed\", never blocking; promote by editing to enforce"),
    match: z.strictObject({ service: Glob.default("*"), environment: Glob.default("*") }).default({ service: "*", environment: "*" }),
    auto_detect_deploys: z.boolean().default(true)
      .describe("a version the service's telemetry has not carried before opens a release by itself, judged against the old version while both serve; false: only deploy events do"),
    pool_environments: z.array(z.string().min(1).max(100)).max(20).default([])
      .describe("quiet services: judge the error rate of this version summed with the same version's releases in these environments (deployed within an hour before or 10 minutes after this one; not failed, held or rolled back); each minute pooled after its own deploy"),
    baseline: z
      .strictObject({
        kind: z.enum(BASELINE_KINDS).default("auto"),
        minutes: z.number().int().min(5).max(10080).default(60).describe("before_deploy: how many minutes before the deploy"),
        version: z.string().min(1).optional().describe("pinned: the version whose analysis window is the baseline"),
        count: z.number().int().min(1).max(10).default(1).describe("previous_release: how many of the last good (passed or approved) releases to pool"),
        history_minutes: z.number().int().min(0).max(10080).default(360)
          .describe("fixed analysis with before_deploy: minutes before the baseline read to measure how far the error rate wanders between windows with no release; 0 turns it off"),
        history_days: z.number().min(1).max(14).default(7)
          .describe("sequential analysis: days of history read for the forecast and its A/A wander calibration (3 or more for full assurance)"),
      })
      .refine((b) => (b.kind === "pinned") === (b.version !== undefined), { message: "version is required for kind pinned, and only for it", path: ["version"] })
      .refine((b) => b.kind === "previous_release" || b.count === 1, { message: "count is only for kind previous_release", path: ["count"] })
      .default({ kind: "auto", minutes: 60, count: 1, history_minutes: 360, history_days: 7 }),
    analysis: z
      .strictObject({
        mode: z.enum(["sequential", "fixed"]).default("sequential")
          .describe("sequential: look every 5 minutes (every minute for a concurrent comparison) from 10 minutes on, extend until decisive, hold only at the maximum; fixed: one window of `minutes`"),
        max_minutes: z.number().int().min(30).max(240).default(240)
          .describe("sequential: the longest an error-rate window may grow (it is scaled to traffic: about 100 expected errors, at least 30 minutes); latency stops at 120"),
        delay_minutes: z.number().int().min(0).max(1440).default(0).describe("warm-up after the deploy finished, ignored"),
        minutes: z.number().int().min(1).max(1440).default(30).describe("fixed: the analysis window; sequential: the window of signals read from outside sources or of kind metric"),
        interval_minutes: z.number().int().min(1).max(1440).default(5).describe("how often interim checks run while the window is open"),
        early_fail_after: z.number().int().min(1).max(100).default(2).describe("consecutive failing interim checks that end the analysis early"),
        batch_minutes: z.number().int().min(1).max(1440).default(10).describe("in a rolling deploy, how long the hosts of each finished batch are watched before its own verdict"),
      })
      .default({ mode: "sequential", max_minutes: 240, delay_minutes: 0, minutes: 30, interval_minutes: 5, early_fail_after: 2, batch_minutes: 10 }),
    confidence: z.number().gt(0.5).lt(1).default(0.99),
    thresholds: z
      .strictObject({ pass: z.number().min(0).max(100).default(90), warn: z.number().min(0).max(100).default(60) })
      .default({ pass: 90, warn: 60 })
      .refine((t) => t.warn <= t.pass, { message: "warn must not exceed pass", path: ["warn"] }),
    signals: z.array(SignalSchema).min(1, "a rule needs at least one signal"),
    capacity: CapacityRuleSchema.optional().describe("a capacity model: the resource against business volumes (docs/capacity.md)"),
    batches: z
      .strictObject({
        proceed: z.enum(BATCH_PROCEED).default("bake")
          .describe("bake: a batch's gate passes (provisional: true) once its hosts ran bake_minutes with no fail; evidence: only once a rise of the detect floor is ruled out"),
        bake_minutes: z.number().int().min(5).max(60).default(10).describe("bake: minutes of the batch's own hosts' traffic before its gate may pass"),
      })
      .default({ proceed: "bake", bake_minutes: 10 })
      .describe("rolling deploys (sequential analysis): when the next batch may start"),
    actions: z
      .strictObject({
        notify: z.array(z.enum(NOTIFY_CHANNELS)).default(["slack", "webhook", "hipchat"]),
        // A hold waits for a person, so it alerts by default (issue 12).
        notify_on: z.array(z.enum(["pass", "warn", "fail", "hold"])).default(["warn", "fail", "hold"]),
        notify_routes: z.array(NotifyRouteSchema).optional().describe("when set, replaces notify and notify_on"),
        rollback: RollbackActionSchema.optional(),
      })
      .default({ notify: ["slack", "webhook", "hipchat"], notify_on: ["warn", "fail", "hold"] }),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.signals.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: "custom", path: ["signals", i, "name"], message: `duplicate signal name '${s.name}'` });
      seen.add(s.name);
      if ((s.kind === "new_errors" || s.kind === "error_budget") && r.analysis.mode === "fixed") {
        ctx.addIssue({ code: "custom", path: ["signals", i, "kind"], message: `${s.kind} is judged look by look: it needs analysis.mode sequential` });
      }
    });
  });

export type Rule = z.infer<typeof RuleSchema>;
export type SignalRule = Rule["signals"][number];
