CREATE TABLE `dashboard_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dashboard_sessions_token` ON `dashboard_sessions` (`token_id`);--> statement-breakpoint
CREATE TABLE `slack_actions_seen` (
	`action_key` text PRIMARY KEY NOT NULL,
	`seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `slack_actions_seen_at` ON `slack_actions_seen` (`seen_at`);