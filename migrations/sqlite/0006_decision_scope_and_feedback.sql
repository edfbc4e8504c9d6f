ALTER TABLE `release_decisions` ADD `batch_index` integer;--> statement-breakpoint
ALTER TABLE `release_decisions` ADD `signal` text;--> statement-breakpoint
ALTER TABLE `release_decisions` ADD `feedback` text;--> statement-breakpoint
CREATE INDEX `release_decisions_feedback` ON `release_decisions` (`feedback`);