CREATE TABLE `capacity_fits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`kind` text NOT NULL,
	`release_id` text,
	`fitted_at` integer NOT NULL,
	`window_start` integer NOT NULL,
	`window_end` integer NOT NULL,
	`status` text NOT NULL,
	`complete` integer NOT NULL,
	`result` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `capacity_fits_release` ON `capacity_fits` (`release_id`);--> statement-breakpoint
CREATE INDEX `capacity_fits_by_service` ON `capacity_fits` (`service`,`environment`,`kind`,`fitted_at`);