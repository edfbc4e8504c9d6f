import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../store/db.ts";
import { deploys, releases, type ReleaseRow } from "../store/schema/index.ts";

// A version deployed again reuses its release row, so "latest" means the latest deploy start, not the first sighting.
const latestFirst = desc(sql`coalesce(${releases.deployStartedAt}, ${releases.createdAt})`);

/** Finds the release a gate speaks about: by version, or the one deployed most recently. */
export class ReleaseLookup {
  constructor(private readonly db: Db) {}

  byVersion(service: string, environment: string, version: string): ReleaseRow | undefined {
    return this.db.select().from(releases)
      .where(and(eq(releases.service, service), eq(releases.environment, environment), eq(releases.version, version))).get();
  }

  /** The release whose deploy started last, whatever its state. */
  latest(service: string, environment: string): ReleaseRow | undefined {
    return this.db.select().from(releases)
      .where(and(eq(releases.service, service), eq(releases.environment, environment)))
      .orderBy(latestFirst).limit(1).get();
  }

  /** The latest release whose deploy has ended: what is running now (a pending deploy has not replaced it yet). */
  latestLive(service: string, environment: string): ReleaseRow | undefined {
    return this.db.select().from(releases)
      .where(and(eq(releases.service, service), eq(releases.environment, environment), ne(releases.status, "pending")))
      .orderBy(latestFirst).limit(1).get();
  }

  /** Whether the release's latest deploy was reported rolled back, so its version no longer runs. */
  rolledBack(release: ReleaseRow): boolean {
    if (!release.latestDeployId) return false;
    const row = this.db.select({ status: deploys.status }).from(deploys).where(eq(deploys.id, release.latestDeployId)).get();
    return row?.status === "rolled_back";
  }
}
