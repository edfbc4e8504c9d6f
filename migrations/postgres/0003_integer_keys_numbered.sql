-- An INTEGER PRIMARY KEY left out of an insert is numbered by SQLite itself; PostgreSQL needs a sequence for that.
-- (drizzle-kit writes this change as "SET DATA TYPE bigserial", which PostgreSQL does not accept.)
CREATE SEQUENCE IF NOT EXISTS "log_events_id_seq" AS bigint OWNED BY "log_events"."id";--> statement-breakpoint
ALTER TABLE "log_events" ALTER COLUMN "id" SET DEFAULT nextval('log_events_id_seq');--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS "metric_samples_id_seq" AS bigint OWNED BY "metric_samples"."id";--> statement-breakpoint
ALTER TABLE "metric_samples" ALTER COLUMN "id" SET DEFAULT nextval('metric_samples_id_seq');--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS "github_deployments_deployment_id_seq" AS bigint OWNED BY "github_deployments"."deployment_id";--> statement-breakpoint
ALTER TABLE "github_deployments" ALTER COLUMN "deployment_id" SET DEFAULT nextval('github_deployments_deployment_id_seq');
