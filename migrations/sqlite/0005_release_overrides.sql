CREATE TABLE `release_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`kind` text NOT NULL,
	`signal` text,
	`actor` text,
	`window_start` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `release_overrides_by_release` ON `release_overrides` (`release_id`,`kind`);