CREATE TABLE `error_signature_minutes` (
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`fingerprint` text NOT NULL,
	`minute` integer NOT NULL,
	`host` text NOT NULL,
	`version` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`service`, `environment`, `fingerprint`, `minute`, `host`, `version`)
);
--> statement-breakpoint
CREATE INDEX `error_signature_minutes_by_minute` ON `error_signature_minutes` (`service`,`environment`,`minute`);--> statement-breakpoint
CREATE TABLE `error_signatures` (
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`fingerprint` text NOT NULL,
	`template` text NOT NULL,
	`sample` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`service`, `environment`, `fingerprint`)
);
--> statement-breakpoint
CREATE INDEX `error_signatures_by_last_seen` ON `error_signatures` (`service`,`environment`,`last_seen`);