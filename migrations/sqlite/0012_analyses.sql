CREATE TABLE `analyses` (
	`id` text PRIMARY KEY NOT NULL,
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`rule_name` text NOT NULL,
	`control` text NOT NULL,
	`experiment` text NOT NULL,
	`status` text NOT NULL,
	`score` real,
	`summary` text,
	`verdict` text,
	`idempotency_key` text,
	`request_hash` text NOT NULL,
	`due_at` integer NOT NULL,
	`decided_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `analyses_idempotency_key` ON `analyses` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `analyses_by_service` ON `analyses` (`service`,`environment`,`created_at`);