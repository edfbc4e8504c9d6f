ALTER TABLE `deploy_batches` ADD `verdict_status` text;--> statement-breakpoint
ALTER TABLE `deploy_batches` ADD `verdict` text;--> statement-breakpoint
ALTER TABLE `deploy_batches` ADD `score` real;--> statement-breakpoint
ALTER TABLE `deploy_batches` ADD `window_start` integer;--> statement-breakpoint
ALTER TABLE `deploy_batches` ADD `window_end` integer;--> statement-breakpoint
ALTER TABLE `deploy_batches` ADD `next_check_at` integer;--> statement-breakpoint
ALTER TABLE `deploy_batches` ADD `decided_at` integer;--> statement-breakpoint
CREATE INDEX `deploy_batches_due` ON `deploy_batches` (`verdict_status`,`next_check_at`);