import { randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../store/db.ts";
import { deployBatches, deployEvents, deploys, releases, type DeployRow, type ReleaseRow } from "../store/schema/index.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import { computeWindows, nextCheckAt } from "../verdicts/release-windows.ts";
import type { DeployEventInput } from "./deploy-event.ts";
import type { VerdictRecorder } from "../verdicts/verdict-recorder.ts";
import { DEFAULT_RULE } from "../rules/default-rule.ts";

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`;

export interface DeployAccepted {
  release_id: string;
  deploy_id: string;
  duplicate: boolean;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Turns deploy events into releases and deploys, in one transaction per event. */
export class DeployService {
  constructor(
    private readonly db: Db,
    private readonly rules: RuleSet,
    private readonly recorder: VerdictRecorder,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  record(input: DeployEventInput): DeployAccepted {
    const receivedAt = this.now();
    const ts = input.timestamp ?? receivedAt;
    return this.db.transaction((tx) => {
      if (input.event_id) {
        const seen = tx.select().from(deployEvents).where(eq(deployEvents.eventId, input.event_id)).get();
        if (seen) return { release_id: seen.releaseId, deploy_id: seen.deployId, duplicate: true };
      }
      const release = this.findOrCreateRelease(tx, input, receivedAt);
      const deploy = this.findOrCreateDeploy(tx, input, release, ts, receivedAt);
      this.applyPhase(tx, input, release, deploy, ts);
      tx.insert(deployEvents)
        .values({
          eventId: input.event_id ?? newId("evt"),
          releaseId: release.id,
          deployId: deploy.id,
          phase: input.phase,
          timestamp: ts,
          receivedAt,
          payload: input,
        })
        .run();
      return { release_id: release.id, deploy_id: deploy.id, duplicate: false };
    });
  }

  private findOrCreateRelease(tx: Tx, input: DeployEventInput, now: number): ReleaseRow {
    const where = and(eq(releases.service, input.service), eq(releases.environment, input.environment), eq(releases.version, input.version));
    const existing = tx.select().from(releases).where(where).get();
    if (existing) return existing;
    const row = {
      id: newId("rel"),
      service: input.service,
      environment: input.environment,
      version: input.version,
      status: "pending" as const,
      ruleName: this.rules.resolve(input.service, input.environment)?.name ?? null,
      commit: input.commit ?? null,
      url: input.url ?? null,
      createdAt: now,
      updatedAt: now,
    };
    return tx.insert(releases).values(row).returning().get();
  }

  private findOrCreateDeploy(tx: Tx, input: DeployEventInput, release: ReleaseRow, ts: number, now: number): DeployRow {
    if (input.deploy_id) {
      const byId = tx.select().from(deploys).where(eq(deploys.id, input.deploy_id)).get();
      if (byId) return byId;
    } else {
      const open = tx
        .select()
        .from(deploys)
        .where(and(eq(deploys.releaseId, release.id), eq(deploys.status, "started")))
        .orderBy(desc(deploys.startedAt))
        .get();
      const startsNewRollout = input.phase === "started" && (input.batch?.index ?? 1) === 1;
      if (open && !startsNewRollout) return open;
    }
    const row = {
      id: input.deploy_id ?? newId("dep"),
      releaseId: release.id,
      status: "started" as const,
      tool: input.tool ?? null,
      url: input.url ?? null,
      commit: input.commit ?? null,
      hosts: input.hosts ?? null,
      batchTotal: input.batch?.total ?? null,
      startedAt: ts,
      createdAt: now,
    };
    return tx.insert(deploys).values(row).returning().get();
  }

  private applyPhase(tx: Tx, input: DeployEventInput, release: ReleaseRow, deploy: DeployRow, ts: number): void {
    const now = this.now();
    if (input.batch) this.recordBatch(tx, input, deploy.id, ts);
    const lastBatch = !input.batch || input.batch.index === input.batch.total;
    switch (input.phase) {
      case "started": {
        const startedAt = Math.min(deploy.startedAt, ts);
        tx.update(deploys).set({ startedAt, hosts: input.hosts ?? deploy.hosts }).where(eq(deploys.id, deploy.id)).run();
        if (release.latestDeployId !== deploy.id) {
          // A new roll-out of this version starts the judgement afresh.
          tx.update(releases)
            .set({
              status: "pending", latestDeployId: deploy.id, deployStartedAt: startedAt, deployFinishedAt: null,
              baselineStart: null, baselineEnd: null, analysisStart: null, analysisEnd: null, nextCheckAt: null,
              consecutiveFailures: 0, score: null, summary: null, verdict: null, decidedAt: null, updatedAt: now,
              commit: input.commit ?? release.commit, url: input.url ?? release.url,
            })
            .where(eq(releases.id, release.id))
            .run();
        }
        return;
      }
      case "finished": {
        if (!lastBatch) return;
        tx.update(deploys).set({ status: "finished", finishedAt: ts }).where(eq(deploys.id, deploy.id)).run();
        const rule = (release.ruleName ? this.rules.byName(release.ruleName) : undefined) ?? this.rules.resolve(release.service, release.environment) ?? DEFAULT_RULE;
        const startedAt = Math.min(deploy.startedAt, ts);
        const windows = computeWindows(rule, startedAt, ts);
        tx.update(releases)
          .set({
            status: "analyzing", ruleName: rule.name, latestDeployId: deploy.id, deployStartedAt: startedAt, deployFinishedAt: ts,
            ...windows, nextCheckAt: nextCheckAt(rule, windows, now, this.graceMs), consecutiveFailures: 0, updatedAt: now,
          })
          .where(eq(releases.id, release.id))
          .run();
        return;
      }
      case "failed":
      case "rolled_back": {
        tx.update(deploys).set({ status: input.phase, finishedAt: ts }).where(eq(deploys.id, deploy.id)).run();
        const what = input.phase === "failed" ? "The deploy itself failed" : "The release was rolled back";
        const by = input.tool ? ` (reported by ${input.tool})` : "";
        this.recorder.recordOutcome(tx, release, "fail", `${what}${by} at ${new Date(ts).toISOString()}.`, now);
        return;
      }
    }
  }

  private recordBatch(tx: Tx, input: DeployEventInput, deployId: string, ts: number): void {
    const b = input.batch!;
    const finished = input.phase !== "started";
    tx.insert(deployBatches)
      .values({ deployId, index: b.index, total: b.total, status: input.phase, hosts: b.hosts ?? null, startedAt: ts, finishedAt: finished ? ts : null })
      .onConflictDoUpdate({
        target: [deployBatches.deployId, deployBatches.index],
        set: { status: input.phase, ...(b.hosts ? { hosts: b.hosts } : {}), ...(finished ? { finishedAt: ts } : {}) },
      })
      .run();
  }
}
