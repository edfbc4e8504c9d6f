CREATE TABLE `effect_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`effect` text NOT NULL,
	`subject` text NOT NULL,
	`attempt` integer NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`runner` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`detail` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `effect_attempts_one` ON `effect_attempts` (`effect`,`subject`,`attempt`);--> statement-breakpoint
CREATE INDEX `effect_attempts_open` ON `effect_attempts` (`status`);