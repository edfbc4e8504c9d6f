CREATE TABLE `releases` (
	`id` text PRIMARY KEY NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`version` text NOT NULL,
	`status` text NOT NULL,
	`rule_name` text,
	`commit` text,
	`url` text,
	`latest_deploy_id` text,
	`deploy_started_at` integer,
	`deploy_finished_at` integer,
	`baseline_start` integer,
	`baseline_end` integer,
	`analysis_start` integer,
	`analysis_end` integer,
	`next_check_at` integer,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`score` real,
	`summary` text,
	`verdict` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_identity` ON `releases` (`service`,`environment`,`version`);--> statement-breakpoint
CREATE INDEX `releases_due` ON `releases` (`status`,`next_check_at`);--> statement-breakpoint
CREATE INDEX `releases_by_service` ON `releases` (`service`,`environment`,`created_at`);--> statement-breakpoint
CREATE TABLE `deploys` (
	`id` text PRIMARY KEY NOT NULL,
	`release_id` text NOT NULL,
	`status` text NOT NULL,
	`tool` text,
	`url` text,
	`commit` text,
	`hosts` text,
	`batch_total` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deploys_by_release` ON `deploys` (`release_id`,`status`,`started_at`);--> statement-breakpoint
CREATE TABLE `deploy_batches` (
	`deploy_id` text NOT NULL,
	`batch_index` integer NOT NULL,
	`batch_total` integer NOT NULL,
	`status` text NOT NULL,
	`hosts` text,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`deploy_id`, `batch_index`)
);
--> statement-breakpoint
CREATE TABLE `deploy_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`release_id` text NOT NULL,
	`deploy_id` text NOT NULL,
	`phase` text NOT NULL,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deploy_events_by_release` ON `deploy_events` (`release_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `log_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`host` text,
	`version` text,
	`level` text,
	`status` integer,
	`latency_ms` real,
	`route` text,
	`message` text,
	`is_error` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `log_events_by_service` ON `log_events` (`service`,`environment`,`ts`);--> statement-breakpoint
CREATE TABLE `metric_samples` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`host` text,
	`version` text,
	`tags` text
);
--> statement-breakpoint
CREATE INDEX `metric_samples_by_service` ON `metric_samples` (`service`,`environment`,`name`,`ts`);--> statement-breakpoint
CREATE TABLE `request_rollups` (
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`minute` integer NOT NULL,
	`version` text NOT NULL,
	`host` text NOT NULL,
	`route` text NOT NULL,
	`requests` integer NOT NULL,
	`errors` integer NOT NULL,
	`latency_count` integer NOT NULL,
	`latency_sum` real NOT NULL,
	`latency_hist` blob NOT NULL,
	PRIMARY KEY(`service`, `environment`, `minute`, `version`, `host`, `route`)
);
--> statement-breakpoint
CREATE TABLE `service_rollups` (
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`minute` integer NOT NULL,
	`requests` integer NOT NULL,
	`errors` integer NOT NULL,
	`latency_count` integer NOT NULL,
	`latency_sum` real NOT NULL,
	`latency_hist` blob NOT NULL,
	PRIMARY KEY(`service`, `environment`, `minute`)
);
--> statement-breakpoint
CREATE TABLE `metric_rollups` (
	`name` text NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`minute` integer NOT NULL,
	`version` text NOT NULL,
	`host` text NOT NULL,
	`count` integer NOT NULL,
	`sum` real NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	PRIMARY KEY(`name`, `service`, `environment`, `minute`, `version`, `host`)
);
--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `evaluations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`kind` text NOT NULL,
	`evaluated_at` integer NOT NULL,
	`status` text NOT NULL,
	`score` real,
	`result` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `evaluations_by_release` ON `evaluations` (`release_id`,`evaluated_at`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`channel` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `notifications_due` ON `notifications` (`status`,`next_attempt_at`);