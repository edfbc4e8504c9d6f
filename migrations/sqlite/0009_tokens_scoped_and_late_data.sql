CREATE TABLE `late_telemetry` (
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`minute` integer NOT NULL,
	`token_id` text NOT NULL,
	`token_name` text NOT NULL,
	`received_at` integer NOT NULL,
	`records` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `late_telemetry_minute` ON `late_telemetry` (`service`,`environment`,`minute`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `services` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `environments` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `last_used_at` integer;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `revoked_at` integer;