import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Every version a service's telemetry has carried, with the minute it first served: a version not in here is new, and
 * opens a release by itself (src/deploys/version-detector.ts). The key makes the first sighting win across replicas.
 */
export const serviceVersions = sqliteTable(
  "service_versions",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    version: text("version").notNull(),
    firstMinute: integer("first_minute").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.environment, t.version] })],
);
