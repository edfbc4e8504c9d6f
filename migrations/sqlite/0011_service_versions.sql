CREATE TABLE `service_versions` (
	`service` text NOT NULL,
	`environment` text NOT NULL,
	`version` text NOT NULL,
	`first_minute` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`service`, `environment`, `version`)
);
