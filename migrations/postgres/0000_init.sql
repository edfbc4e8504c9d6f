CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"services" text,
	"environments" text,
	"last_used_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"release_id" text NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"version" text NOT NULL,
	"actor" text NOT NULL,
	"message" text NOT NULL,
	"data" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "capacity_fits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"kind" text NOT NULL,
	"release_id" text,
	"fitted_at" bigint NOT NULL,
	"window_start" bigint NOT NULL,
	"window_end" bigint NOT NULL,
	"status" text NOT NULL,
	"complete" integer NOT NULL,
	"result" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dashboard_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"token_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_seen_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deploy_batches" (
	"deploy_id" text NOT NULL,
	"batch_index" bigint NOT NULL,
	"batch_total" bigint NOT NULL,
	"status" text NOT NULL,
	"hosts" text,
	"started_at" bigint NOT NULL,
	"finished_at" bigint,
	"verdict_status" text,
	"verdict" text,
	"score" double precision,
	"window_start" bigint,
	"window_end" bigint,
	"next_check_at" bigint,
	"decided_at" bigint,
	CONSTRAINT "deploy_batches_deploy_id_batch_index_pk" PRIMARY KEY("deploy_id","batch_index")
);
--> statement-breakpoint
CREATE TABLE "deploy_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"release_id" text NOT NULL,
	"deploy_id" text NOT NULL,
	"phase" text NOT NULL,
	"timestamp" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"payload" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deploys" (
	"id" text PRIMARY KEY NOT NULL,
	"release_id" text NOT NULL,
	"status" text NOT NULL,
	"tool" text,
	"url" text,
	"commit" text,
	"hosts" text,
	"batch_total" bigint,
	"started_at" bigint NOT NULL,
	"finished_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "effect_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"effect" text NOT NULL,
	"subject" text NOT NULL,
	"attempt" bigint NOT NULL,
	"status" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"runner" text NOT NULL,
	"started_at" bigint NOT NULL,
	"finished_at" bigint,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "error_signature_minutes" (
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"fingerprint" text NOT NULL,
	"minute" bigint NOT NULL,
	"host" text NOT NULL,
	"version" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "error_signature_minutes_service_environment_fingerprint_minute_host_version_pk" PRIMARY KEY("service","environment","fingerprint","minute","host","version")
);
--> statement-breakpoint
CREATE TABLE "error_signatures" (
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"fingerprint" text NOT NULL,
	"template" text NOT NULL,
	"sample" text NOT NULL,
	"first_seen" bigint NOT NULL,
	"last_seen" bigint NOT NULL,
	CONSTRAINT "error_signatures_service_environment_fingerprint_pk" PRIMARY KEY("service","environment","fingerprint")
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_id" text NOT NULL,
	"kind" text NOT NULL,
	"evaluated_at" bigint NOT NULL,
	"status" text NOT NULL,
	"score" double precision,
	"result" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "github_deployments" (
	"deployment_id" bigint PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"repo" text NOT NULL,
	"environment" text NOT NULL,
	"deploy_id" text NOT NULL,
	"posted_status" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "github_protection_answers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"deployment_id" bigint NOT NULL,
	"callback_url" text NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"state" text NOT NULL,
	"comment" text NOT NULL,
	"delivery" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"requested_at" bigint NOT NULL,
	"sent_at" bigint,
	CONSTRAINT "github_protection_answers_callback_url_unique" UNIQUE("callback_url")
);
--> statement-breakpoint
CREATE TABLE "late_telemetry" (
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"minute" bigint NOT NULL,
	"token_id" text NOT NULL,
	"token_name" text NOT NULL,
	"received_at" bigint NOT NULL,
	"records" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_events" (
	"id" bigint PRIMARY KEY NOT NULL,
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
	"is_error" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_refs" (
	"release_id" text NOT NULL,
	"channel" text NOT NULL,
	"target" text NOT NULL,
	"ref" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "message_refs_release_id_channel_target_pk" PRIMARY KEY("release_id","channel","target")
);
--> statement-breakpoint
CREATE TABLE "metric_rollups" (
	"name" text NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"minute" bigint NOT NULL,
	"version" text NOT NULL,
	"host" text NOT NULL,
	"count" bigint NOT NULL,
	"sum" double precision NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	CONSTRAINT "metric_rollups_name_service_environment_minute_version_host_pk" PRIMARY KEY("name","service","environment","minute","version","host")
);
--> statement-breakpoint
CREATE TABLE "metric_samples" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"ts" bigint NOT NULL,
	"value" double precision NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"host" text,
	"version" text,
	"tags" text
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_id" text NOT NULL,
	"channel" text NOT NULL,
	"target" text,
	"service" text,
	"kind" text DEFAULT 'verdict' NOT NULL,
	"dedupe_key" text,
	"payload" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"sent_at" bigint
);
--> statement-breakpoint
CREATE TABLE "release_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_id" text NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"via" text NOT NULL,
	"engine_status" text NOT NULL,
	"batch_index" bigint,
	"signal" text,
	"feedback" text,
	"decided_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_overrides" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_id" text NOT NULL,
	"kind" text NOT NULL,
	"signal" text,
	"actor" text,
	"window_start" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" text PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"version" text NOT NULL,
	"status" text NOT NULL,
	"rule_name" text,
	"commit" text,
	"url" text,
	"latest_deploy_id" text,
	"deploy_started_at" bigint,
	"deploy_finished_at" bigint,
	"baseline_start" bigint,
	"baseline_end" bigint,
	"analysis_start" bigint,
	"analysis_end" bigint,
	"next_check_at" bigint,
	"consecutive_failures" bigint DEFAULT 0 NOT NULL,
	"score" double precision,
	"summary" text,
	"verdict" text,
	"decided_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_rollups" (
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"minute" bigint NOT NULL,
	"version" text NOT NULL,
	"host" text NOT NULL,
	"route" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_count" bigint NOT NULL,
	"latency_sum" double precision NOT NULL,
	"latency_hist" "bytea" NOT NULL,
	CONSTRAINT "request_rollups_service_environment_minute_version_host_route_pk" PRIMARY KEY("service","environment","minute","version","host","route")
);
--> statement-breakpoint
CREATE TABLE "rollbacks" (
	"release_id" text PRIMARY KEY NOT NULL,
	"rule_name" text NOT NULL,
	"action" text NOT NULL,
	"payload" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE TABLE "service_rollups" (
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"minute" bigint NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_count" bigint NOT NULL,
	"latency_sum" double precision NOT NULL,
	"latency_hist" "bytea" NOT NULL,
	CONSTRAINT "service_rollups_service_environment_minute_pk" PRIMARY KEY("service","environment","minute")
);
--> statement-breakpoint
CREATE TABLE "slack_actions_seen" (
	"action_key" text PRIMARY KEY NOT NULL,
	"seen_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_by_release" ON "audit_events" USING btree ("release_id","id");--> statement-breakpoint
CREATE INDEX "audit_events_by_service" ON "audit_events" USING btree ("service","at");--> statement-breakpoint
CREATE INDEX "audit_events_by_time" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "capacity_fits_release" ON "capacity_fits" USING btree ("release_id");--> statement-breakpoint
CREATE INDEX "capacity_fits_by_service" ON "capacity_fits" USING btree ("service","environment","kind","fitted_at");--> statement-breakpoint
CREATE INDEX "dashboard_sessions_token" ON "dashboard_sessions" USING btree ("token_id");--> statement-breakpoint
CREATE INDEX "deploy_batches_due" ON "deploy_batches" USING btree ("verdict_status","next_check_at");--> statement-breakpoint
CREATE INDEX "deploy_events_by_release" ON "deploy_events" USING btree ("release_id","timestamp");--> statement-breakpoint
CREATE INDEX "deploys_by_release" ON "deploys" USING btree ("release_id","status","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "effect_attempts_one" ON "effect_attempts" USING btree ("effect","subject","attempt");--> statement-breakpoint
CREATE INDEX "effect_attempts_open" ON "effect_attempts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "error_signature_minutes_by_minute" ON "error_signature_minutes" USING btree ("service","environment","minute");--> statement-breakpoint
CREATE INDEX "error_signatures_by_last_seen" ON "error_signatures" USING btree ("service","environment","last_seen");--> statement-breakpoint
CREATE INDEX "evaluations_by_release" ON "evaluations" USING btree ("release_id","evaluated_at");--> statement-breakpoint
CREATE INDEX "github_protection_answers_due" ON "github_protection_answers" USING btree ("delivery","next_attempt_at");--> statement-breakpoint
CREATE INDEX "late_telemetry_minute" ON "late_telemetry" USING btree ("service","environment","minute");--> statement-breakpoint
CREATE INDEX "log_events_by_service" ON "log_events" USING btree ("service","environment","ts");--> statement-breakpoint
CREATE INDEX "metric_samples_by_service" ON "metric_samples" USING btree ("service","environment","name","ts");--> statement-breakpoint
CREATE INDEX "notifications_due" ON "notifications" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe" ON "notifications" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_route" ON "notifications" USING btree ("channel","service","created_at");--> statement-breakpoint
CREATE INDEX "release_decisions_by_release" ON "release_decisions" USING btree ("release_id","id");--> statement-breakpoint
CREATE INDEX "release_decisions_feedback" ON "release_decisions" USING btree ("feedback");--> statement-breakpoint
CREATE INDEX "release_overrides_by_release" ON "release_overrides" USING btree ("release_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "releases_identity" ON "releases" USING btree ("service","environment","version");--> statement-breakpoint
CREATE INDEX "releases_due" ON "releases" USING btree ("status","next_check_at");--> statement-breakpoint
CREATE INDEX "releases_by_service" ON "releases" USING btree ("service","environment","created_at");--> statement-breakpoint
CREATE INDEX "rollbacks_due" ON "rollbacks" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "slack_actions_seen_at" ON "slack_actions_seen" USING btree ("seen_at");