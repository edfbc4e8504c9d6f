import { and, desc, eq, ne, sql } from "drizzle-orm";
import { first, type Store } from "../store/store.ts";
import { deploys, releases, type ReleaseRow } from "../store/schema/index.ts";

// A version deployed again reuses its release row, so "latest" means the latest deploy start, not the first sighting.
const latestFirst = desc(sql`coalesce(${releases.deployStartedAt}, ${releases.createdAt})`);

/** Finds the release a gate speaks about: by version, or the one deployed most recently. */
export class ReleaseLookup {
  constructor(private readonly store: Store) {}

  byId(id: string): Promise<ReleaseRow | undefined> {
    return first(this.store.db.select().from(releases).where(eq(releases.id, id)).limit(1));
  }

  byVersion(service: string, environment: string, version: string): Promise<ReleaseRow | undefined> {
    return first(this.store.db.select().from(releases)
      .where(and(eq(releases.service, service), eq(releases.environment, environment), eq(releases.version, version))).limit(1));
  }

  /** The release whose deploy started last, whatever its state. */
  latest(service: string, environment: string): Promise<ReleaseRow | undefined> {
    return first(this.store.db.select().from(releases)
      .where(and(eq(releases.service, service), eq(releases.environment, environment)))
      .orderBy(latestFirst).limit(1));
  }

  /** The latest release whose deploy has ended: what is running now (a pending deploy has not replaced it yet). */
  latestLive(service: string, environment: string): Promise<ReleaseRow | undefined> {
    return first(this.store.db.select().from(releases)
      .where(and(eq(releases.service, service), eq(releases.environment, environment), ne(releases.status, "pending")))
      .orderBy(latestFirst).limit(1));
  }

  /** Whether the release's latest deploy was reported rolled back, so its version no longer runs. */
  async rolledBack(release: ReleaseRow): Promise<boolean> {
    if (!release.latestDeployId) return false;
    const row = await first(this.store.db.select({ status: deploys.status }).from(deploys).where(eq(deploys.id, release.latestDeployId)).limit(1));
    return row?.status === "rolled_back";
  }
}
