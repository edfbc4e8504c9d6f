CREATE TABLE `message_refs` (
	`release_id` text NOT NULL,
	`channel` text NOT NULL,
	`target` text NOT NULL,
	`ref` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`release_id`, `channel`, `target`)
);
--> statement-breakpoint
CREATE TABLE `release_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`actor` text NOT NULL,
	`via` text NOT NULL,
	`engine_status` text NOT NULL,
	`decided_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `release_decisions_by_release` ON `release_decisions` (`release_id`,`id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`release_id` text NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`version` text NOT NULL,
	`actor` text NOT NULL,
	`message` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_by_release` ON `audit_events` (`release_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_by_service` ON `audit_events` (`service`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_by_time` ON `audit_events` (`at`);--> statement-breakpoint
CREATE TABLE `rollbacks` (
	`release_id` text PRIMARY KEY NOT NULL,
	`rule_name` text NOT NULL,
	`action` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `rollbacks_due` ON `rollbacks` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `github_deployments` (
	`deployment_id` integer PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`repo` text NOT NULL,
	`environment` text NOT NULL,
	`deploy_id` text NOT NULL,
	`posted_status` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `github_protection_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`deployment_id` integer NOT NULL,
	`callback_url` text NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`state` text NOT NULL,
	`comment` text NOT NULL,
	`delivery` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`requested_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `github_protection_answers_callback_url_unique` ON `github_protection_answers` (`callback_url`);--> statement-breakpoint
CREATE INDEX `github_protection_answers_due` ON `github_protection_answers` (`delivery`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `notifications` ADD `target` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `service` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `kind` text DEFAULT 'verdict' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `dedupe_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe` ON `notifications` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `notifications_route` ON `notifications` (`channel`,`service`,`created_at`);