import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One kind of error (a mined message template) per service and environment, with one masked sample message. */
export const errorSignatures = sqliteTable(
  "error_signatures",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    fingerprint: text("fingerprint").notNull(),
    template: text("template").notNull(),
    sample: text("sample").notNull(),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.environment, t.fingerprint] }), index("error_signatures_by_last_seen").on(t.service, t.environment, t.lastSeen)],
);

/** Events of each kind per minute, host and version: which kinds a window has, how often and on how many hosts. */
export const errorSignatureMinutes = sqliteTable(
  "error_signature_minutes",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    fingerprint: text("fingerprint").notNull(),
    minute: integer("minute").notNull(),
    host: text("host").notNull(),
    version: text("version").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.service, t.environment, t.fingerprint, t.minute, t.host, t.version] }),
    index("error_signature_minutes_by_minute").on(t.service, t.environment, t.minute),
  ],
);
