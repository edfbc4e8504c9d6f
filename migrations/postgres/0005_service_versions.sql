CREATE TABLE "service_versions" (
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"version" text NOT NULL,
	"first_minute" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "service_versions_service_environment_version_pk" PRIMARY KEY("service","environment","version")
);
