import { and, asc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import type { Container } from "../container.ts";
import { DECIDED_STATUS } from "../decisions/decision-overlay.ts";
import { deploys, releaseDecisions, releases, rollbacks } from "../store/schema/index.ts";
import { doraMeasures, WEEK, type DoraMeasures, type ReleaseOutcome } from "./dora-measures.ts";
import { hourProfile, type HourProfile } from "./quiet-hour.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const QUIET_DAYS = 7;
const MAX_SERVICES = 50;

export interface ServiceMeasures {
  service: string;
  dora: DoraMeasures;
  quiet: HourProfile | null;
}

export interface ManagerData {
  environment: string;
  environments: string[];
  weeks: number;
  /** Where the weeks end: the next whole minute. */
  end: number;
  zone: string;
  all: DoraMeasures;
  /** Busiest-to-quietest hours summed over every service. */
  quiet: HourProfile | null;
  services: ServiceMeasures[];
}

const deployedAt = sql<number>`coalesce(${releases.deployStartedAt}, ${releases.createdAt})`;

/** Every release deployed in the period with the status the gate answers, when it was caught and when undone. */
export async function releaseOutcomes(c: Container, environment: string, start: number): Promise<ReleaseOutcome[]> {
  const inPeriod = and(eq(releases.environment, environment), gte(deployedAt, start));
  const db = c.store.db;
  const rows = await db.select({ id: releases.id, service: releases.service, environment: releases.environment, deployedAt, status: releases.status, decidedAt: releases.decidedAt })
    .from(releases).where(inPeriod);
  // retry hands the gate back to the engine, so it ends whatever approve, hold or rollback came before it.
  const decisions = await db.select({ releaseId: releaseDecisions.releaseId, action: releaseDecisions.action, at: releaseDecisions.decidedAt })
    .from(releaseDecisions).innerJoin(releases, eq(releases.id, releaseDecisions.releaseId))
    .where(and(inPeriod, isNull(releaseDecisions.batchIndex), inArray(releaseDecisions.action, ["approve", "hold", "rollback", "retry"])))
    .orderBy(asc(releaseDecisions.id));
  const ranRollbacks = await db.select({ releaseId: rollbacks.releaseId, at: rollbacks.finishedAt })
    .from(rollbacks).innerJoin(releases, eq(releases.id, rollbacks.releaseId)).where(and(inPeriod, eq(rollbacks.status, "succeeded")));
  const toolRollbacks = await db.select({ releaseId: deploys.releaseId, at: deploys.finishedAt })
    .from(deploys).innerJoin(releases, eq(releases.id, deploys.releaseId)).where(and(inPeriod, eq(deploys.status, "rolled_back")));

  const inForce = new Map<string, { action: string; at: number }>();
  const firstStop = new Map<string, number>();
  for (const d of decisions) {
    inForce.set(d.releaseId, d);
    if ((d.action === "rollback" || d.action === "hold") && !firstStop.has(d.releaseId)) firstStop.set(d.releaseId, d.at);
  }
  const rolledBack = new Map<string, number>();
  for (const r of [...ranRollbacks, ...toolRollbacks]) {
    if (r.at !== null) rolledBack.set(r.releaseId, Math.min(r.at, rolledBack.get(r.releaseId) ?? Infinity));
  }
  return rows.map((r) => {
    const decision = inForce.get(r.id);
    const status = (decision && DECIDED_STATUS[decision.action as keyof typeof DECIDED_STATUS]) ?? r.status;
    const caught = [r.status === "fail" ? r.decidedAt : null, firstStop.get(r.id) ?? null].filter((t): t is number => t !== null);
    return {
      service: r.service, environment: r.environment, deployedAt: Number(r.deployedAt), status,
      caughtAt: caught.length > 0 ? Math.min(...caught) : null, rolledBackAt: rolledBack.get(r.id) ?? null,
    };
  });
}

/** The manager page's numbers: DORA measures for all services and each one, and the quietest hour in `zone`. */
export async function managerData(c: Container, environment: string | undefined, weeks: number, zone: string): Promise<ManagerData> {
  const environments = (await c.store.db.selectDistinct({ e: releases.environment }).from(releases)).map((r) => r.e).sort();
  const env = environment ?? (environments.includes("production") ? "production" : environments[0] ?? "production");
  const end = Math.floor(c.now() / MINUTE) * MINUTE + MINUTE;
  const outcomes = await releaseOutcomes(c, env, end - weeks * WEEK);
  const names = [...new Set(outcomes.map((r) => r.service))].sort().slice(0, MAX_SERVICES);

  const quietStart = end - QUIET_DAYS * DAY;
  const total = new Map<number, number>();
  const services: ServiceMeasures[] = [];
  for (const service of names) {
    const counts = await c.reader.requestCounts({ service, environment: env, start: quietStart, end });
    const requests = new Map([...counts].map(([m, v]) => [m, v.requests]));
    for (const [m, v] of requests) total.set(m, (total.get(m) ?? 0) + v);
    services.push({ service, dora: doraMeasures(outcomes.filter((r) => r.service === service), end, weeks), quiet: hourProfile(requests, quietStart, end, zone) });
  }
  return {
    environment: env, environments, weeks, end, zone,
    all: doraMeasures(outcomes, end, weeks), quiet: hourProfile(total, quietStart, end, zone), services,
  };
}
