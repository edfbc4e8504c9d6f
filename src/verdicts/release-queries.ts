import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Store } from "../store/store.ts";
import { deployBatches, deploys, releases, type ReleaseRow } from "../store/schema/index.ts";

/** Read-only lists for the API and the dashboard: releases by filter, and a release's deploys with their batches. */
export class ReleaseQueries {
  constructor(private readonly store: Store) {}

  async list(filter: { service?: string | undefined; environment?: string | undefined; version?: string | undefined; status?: string | undefined; limit: number }): Promise<ReleaseRow[]> {
    const conds: SQL[] = [];
    if (filter.service) conds.push(eq(releases.service, filter.service));
    if (filter.environment) conds.push(eq(releases.environment, filter.environment));
    if (filter.version) conds.push(eq(releases.version, filter.version));
    if (filter.status) conds.push(eq(releases.status, filter.status as ReleaseRow["status"]));
    return await this.store.db.select().from(releases).where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(desc(releases.createdAt)).limit(filter.limit);
  }

  async deploysOf(releaseId: string) {
    const rows = await this.store.db.select().from(deploys).where(eq(deploys.releaseId, releaseId)).orderBy(desc(deploys.startedAt));
    const out = [];
    for (const d of rows) out.push({ ...d, batches: await this.store.db.select().from(deployBatches).where(eq(deployBatches.deployId, d.id)).orderBy(deployBatches.index) });
    return out;
  }
}
