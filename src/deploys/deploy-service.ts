import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { first, type Store } from "../store/store.ts";
import { releases } from "../store/schema/index.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import { ceilMinute, computeWindows, nextCheckAt } from "../verdicts/release-windows.ts";
import type { VerdictRecorder } from "../verdicts/verdict-recorder.ts";
import type { EventSink } from "../sources/event-sink.ts";
import { requireAccess } from "../http/auth.ts";
import type { IngestPolicy } from "../telemetry/ingest-policy.ts";
import type { TokenIdentity } from "../tokens/token-service.ts";
import { VERSION_LABEL_TOOL, type DeployEventInput } from "./deploy-event.ts";
import { DeployStore, type DeployRef, type ReleaseRef } from "./deploy-store.ts";
import { requireSameEvent, type EventReuse } from "./event-identity.ts";

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`;

export interface DeployAccepted {
  release_id: string;
  deploy_id: string;
  duplicate: boolean;
}

/** Turns deploy events into releases and deploys, one transaction per event. */
export class DeployService {
  private readonly rows: DeployStore;

  constructor(
    private readonly store: Store,
    private readonly rules: RuleSet,
    private readonly recorder: VerdictRecorder,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
    private readonly events: EventSink | undefined = undefined,
    private readonly policy: IngestPolicy | undefined = undefined,
  ) {
    this.rows = new DeployStore(store);
  }

  /**
   * `who`: the token that sent the event, checked against its services and, for a past date, the backfill scope;
   * undefined only for deploy-guard's own callers. `bounded` false: dated by telemetry the ingest bounds already let in.
   */
  async record(input: DeployEventInput, who?: TokenIdentity, reuse: EventReuse = "content", bounded = true): Promise<DeployAccepted> {
    const now = this.now();
    const ts = input.timestamp ?? now;
    requireAccess(who, input.service, input.environment);
    const accepted = await this.store.write(async (): Promise<DeployAccepted> => {
      if (input.event_id) {
        const seen = await this.rows.event(input.event_id);
        if (seen) {
          requireSameEvent(seen, input, reuse);
          return { release_id: seen.releaseId, deploy_id: seen.deployId, duplicate: true };
        }
      }
      // After the duplicate check, so a re-sent event stays a duplicate however late it comes.
      if (bounded) this.policy?.checkDeploy(ts, input.service, input.environment, who);
      const release = await this.findOrCreateRelease(input, now);
      const deploy = await this.findOrCreateDeploy(input, release, ts, now);
      await this.applyPhase(input, release, deploy, ts, now);
      await this.rows.insertEvent({ eventId: input.event_id ?? newId("evt"), releaseId: release.id, deployId: deploy.id, phase: input.phase, timestamp: ts, receivedAt: now, payload: input });
      return { release_id: release.id, deploy_id: deploy.id, duplicate: false };
    });
    const events = this.events;
    if (events && !accepted.duplicate) {
      const event = { release_id: accepted.release_id, service: input.service, environment: input.environment, version: input.version, phase: input.phase, at: ts };
      // Inside a caller's write (a deploy seen in a telemetry batch), only once that batch is stored.
      this.store.afterCommit(() => void events.deploy(event).catch(() => undefined));
    }
    return accepted;
  }

  /**
   * A deploy seen only in telemetry: `version` first served at `at` (a whole minute). Opens its release as a deploy
   * that finished then would, unless the version has a release already (a deploy event came first: it wins).
   */
  async recordSeen(seen: { service: string; environment: string; version: string; at: number }): Promise<DeployAccepted | undefined> {
    return this.store.write(async () => {
      if (await this.rows.release(seen.service, seen.environment, seen.version)) return undefined;
      const { service, environment, version, at } = seen;
      // Its minute may start just past the retention its first record is within: the batch was checked already.
      return this.record({ service, environment, version, phase: "finished", timestamp: at, tool: VERSION_LABEL_TOOL }, undefined, "content", false);
    });
  }

  /**
   * Telemetry showed `version` serving before the minute its release was opened at (batches stored out of order, or
   * at once on two replicas): a release opened from the label and not yet decided starts there instead. Returns its id
   * when it moved.
   */
  async seenEarlier(seen: { service: string; environment: string; version: string; at: number }): Promise<string | undefined> {
    const now = this.now();
    return this.store.write(async () => {
      const release = await this.rows.release(seen.service, seen.environment, seen.version);
      const deploy = release?.latestDeployId ? await this.rows.deploy(release.latestDeployId) : undefined;
      if (!release || deploy?.tool !== VERSION_LABEL_TOOL || seen.at >= deploy.startedAt || (await this.decidedFor(release.id, deploy.id))) return undefined;
      await this.rows.markDeployStarted(deploy.id, seen.at, undefined, deploy.hosts);
      await this.rows.markDeployEnded(deploy.id, "finished", seen.at);
      const rule = this.ruleOf(release);
      const windows = computeWindows(rule, seen.at, seen.at);
      const next = nextCheckAt(rule, windows, now, this.graceMs);
      await this.rows.startAnalysis(release.id, { ruleName: rule.name, deployId: deploy.id, startedAt: seen.at, finishedAt: seen.at, windows, nextCheckAt: next }, now);
      return release.id;
    });
  }

  private async findOrCreateRelease(input: DeployEventInput, now: number): Promise<ReleaseRef> {
    const existing = await this.rows.release(input.service, input.environment, input.version);
    if (existing) return existing;
    const release = {
      id: newId("rel"), service: input.service, environment: input.environment, version: input.version,
      ruleName: this.rules.resolve(input.service, input.environment)?.name ?? null,
      latestDeployId: null, commit: input.commit ?? null, url: input.url ?? null,
    };
    await this.rows.insertRelease(release, now);
    return release;
  }

  private async findOrCreateDeploy(input: DeployEventInput, release: ReleaseRef, ts: number, now: number): Promise<DeployRef> {
    if (input.deploy_id) {
      const byId = await this.rows.deploy(input.deploy_id);
      if (byId) return byId;
    } else {
      // A release already judged from its version label keeps its one final verdict: a late deploy event joins that deploy.
      const detected = await this.latestIfDetectedAndDecided(release);
      if (detected) return detected;
      const open = await this.rows.openDeploy(release.id);
      const startsNewRollout = input.phase === "started" && (input.batch?.index ?? 1) === 1;
      if (open && !startsNewRollout && !claims(input, open)) return open;
      // An end event with nothing open belongs to the latest deploy (a re-sent "finished"), not to a new one.
      const latest = input.phase === "started" ? undefined : await this.rows.latestDeploy(release.id);
      if (latest && !claims(input, latest)) return latest;
    }
    return this.rows.insertDeploy(
      { id: input.deploy_id ?? newId("dep"), releaseId: release.id, tool: input.tool, url: input.url, commit: input.commit, hosts: input.hosts, batchTotal: input.batch?.total, startedAt: ts },
      now,
    );
  }

  /** Each finished batch gets its own verdict on the hosts updated so far, so a pipeline can stop after batch k. */
  private async startBatchVerdict(release: ReleaseRef, deployId: string, index: number, ts: number): Promise<void> {
    const rule = this.ruleOf(release);
    const start = ceilMinute(ts);
    const end = start + rule.analysis.batch_minutes * 60_000;
    await this.rows.startBatchVerdict(deployId, index, start, end, end + this.graceMs);
  }

  private async latestIfDetectedAndDecided(release: ReleaseRef): Promise<DeployRef | undefined> {
    if (release.latestDeployId === null) return undefined;
    const latest = await this.rows.deploy(release.latestDeployId);
    return latest?.tool === VERSION_LABEL_TOOL && (await this.decidedFor(release.id, latest.id)) ? latest : undefined;
  }

  private async decidedFor(releaseId: string, deployId: string): Promise<boolean> {
    const row = await first(this.store.db.select({ decidedAt: releases.decidedAt, deployId: releases.latestDeployId }).from(releases).where(eq(releases.id, releaseId)).limit(1));
    return row !== undefined && row.decidedAt !== null && row.deployId === deployId;
  }

  /** Whether this event's deploy replaces the one deploy-guard saw in telemetry as the release's latest. */
  private async claimsRelease(input: DeployEventInput, release: ReleaseRef, deploy: DeployRef): Promise<boolean> {
    if (release.latestDeployId === null || release.latestDeployId === deploy.id || input.tool === VERSION_LABEL_TOOL) return false;
    return (await this.rows.deploy(release.latestDeployId))?.tool === VERSION_LABEL_TOOL;
  }

  private ruleOf(release: ReleaseRef) {
    return this.rules.forRelease(release);
  }

  private async applyPhase(input: DeployEventInput, release: ReleaseRef, deploy: DeployRef, ts: number, now: number): Promise<void> {
    if (input.batch) await this.rows.upsertBatch(deploy.id, input.batch, input.phase, ts);
    // A deploy that has ended takes no other ending, except a later roll-back: re-sent events never reopen a judgement.
    const ended = deploy.status !== "started";
    if (input.phase !== "started" && ended && !(input.phase === "rolled_back" && deploy.status !== "rolled_back")) return;
    const startedAt = Math.min(deploy.startedAt, ts);
    if (input.phase !== "started" && (await this.claimsRelease(input, release, deploy))) {
      // The release was opened from version labels: the deploy event takes it over and is judged afresh.
      await this.rows.resetRelease(release.id, deploy.id, startedAt, input.commit, input.url, now);
    }
    switch (input.phase) {
      case "started":
        await this.rows.markDeployStarted(deploy.id, startedAt, input.hosts, deploy.hosts);
        // A new roll-out of this version starts the judgement afresh.
        if (release.latestDeployId !== deploy.id) await this.rows.resetRelease(release.id, deploy.id, startedAt, input.commit, input.url, now);
        return;
      case "finished": {
        if (input.batch) await this.startBatchVerdict(release, deploy.id, input.batch.index, ts);
        if (input.batch && input.batch.index !== input.batch.total) return;
        await this.rows.markDeployEnded(deploy.id, "finished", ts);
        // A batch that failed already decided the release; analysing it again could overwrite that fail with a pass.
        if (await this.decidedFor(release.id, deploy.id)) return;
        const rule = this.ruleOf(release);
        const windows = computeWindows(rule, startedAt, ts);
        const next = nextCheckAt(rule, windows, now, this.graceMs);
        await this.rows.startAnalysis(release.id, { ruleName: rule.name, deployId: deploy.id, startedAt, finishedAt: ts, windows, nextCheckAt: next }, now);
        return;
      }
      case "failed":
      case "rolled_back": {
        await this.rows.markDeployEnded(deploy.id, input.phase, ts);
        const what = input.phase === "failed" ? "The deploy itself failed" : "The release was rolled back";
        const by = input.tool ? ` (reported by ${input.tool})` : "";
        await this.recorder.recordOutcome({ ...release, version: input.version }, "fail", `${what}${by} at ${new Date(ts).toISOString()}.`, now);
        return;
      }
    }
  }
}

/** A deploy event never joins a deploy seen only in telemetry: it starts its own, which then wins the release. */
function claims(input: DeployEventInput, deploy: DeployRef): boolean {
  return deploy.tool === VERSION_LABEL_TOOL && input.tool !== VERSION_LABEL_TOOL;
}
