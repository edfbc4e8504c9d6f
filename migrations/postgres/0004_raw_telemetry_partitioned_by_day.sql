-- Raw telemetry (log_events, metric_samples) partitioned by day on ts (milliseconds), so retention drops whole days
-- instead of deleting rows (src/store/pg-partitions.ts creates the days ahead and drops the expired ones). A DEFAULT
-- partition takes rows for days not created yet, so an insert is never refused. The key becomes (id, ts): a
-- partitioned table's unique keys must include the partition column. drizzle-kit's snapshot still reads PRIMARY KEY
-- (id); the tables are written by the service's own SQL only.
ALTER TABLE "log_events" RENAME TO "log_events_unpartitioned";--> statement-breakpoint
ALTER INDEX "log_events_by_service" RENAME TO "log_events_unpartitioned_by_service";--> statement-breakpoint
CREATE TABLE "log_events" (
	"id" bigint NOT NULL DEFAULT nextval('log_events_id_seq'),
	"ts" bigint NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"host" text,
	"version" text,
	"level" text,
	"status" bigint,
	"latency_ms" double precision,
	"route" text,
	"message" text,
	"is_error" integer NOT NULL,
	PRIMARY KEY ("id", "ts")
) PARTITION BY RANGE ("ts");--> statement-breakpoint
CREATE TABLE "log_events_default" PARTITION OF "log_events" DEFAULT;--> statement-breakpoint
INSERT INTO "log_events" SELECT * FROM "log_events_unpartitioned";--> statement-breakpoint
ALTER SEQUENCE "log_events_id_seq" OWNED BY "log_events"."id";--> statement-breakpoint
DROP TABLE "log_events_unpartitioned";--> statement-breakpoint
CREATE INDEX "log_events_by_service" ON "log_events" USING btree ("service","environment","ts");--> statement-breakpoint
ALTER TABLE "metric_samples" RENAME TO "metric_samples_unpartitioned";--> statement-breakpoint
ALTER INDEX "metric_samples_by_service" RENAME TO "metric_samples_unpartitioned_by_service";--> statement-breakpoint
CREATE TABLE "metric_samples" (
	"id" bigint NOT NULL DEFAULT nextval('metric_samples_id_seq'),
	"name" text NOT NULL,
	"ts" bigint NOT NULL,
	"value" double precision NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"host" text,
	"version" text,
	"tags" text,
	PRIMARY KEY ("id", "ts")
) PARTITION BY RANGE ("ts");--> statement-breakpoint
CREATE TABLE "metric_samples_default" PARTITION OF "metric_samples" DEFAULT;--> statement-breakpoint
INSERT INTO "metric_samples" SELECT * FROM "metric_samples_unpartitioned";--> statement-breakpoint
ALTER SEQUENCE "metric_samples_id_seq" OWNED BY "metric_samples"."id";--> statement-breakpoint
DROP TABLE "metric_samples_unpartitioned";--> statement-breakpoint
CREATE INDEX "metric_samples_by_service" ON "metric_samples" USING btree ("service","environment","name","ts");
