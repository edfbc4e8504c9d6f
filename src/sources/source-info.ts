import type { Config } from "../config.ts";
import type { SourceKind } from "./source.ts";

/** How each source is named in sentences, and what configures it (for "not configured" reasons and warnings). */
export const SOURCE_INFO: Record<SourceKind, { label: string; configured: (c: Config) => boolean; settings: string }> = {
  builtin: { label: "pushed telemetry", configured: () => true, settings: "" },
  elasticsearch: { label: "Elasticsearch", configured: (c) => c.elasticsearch !== undefined, settings: "DEPLOY_GUARD_ES_URL or DEPLOY_GUARD_ES_CLOUD_ID" },
  datadog: { label: "Datadog", configured: (c) => c.datadog !== undefined, settings: "DEPLOY_GUARD_DD_API_KEY and DEPLOY_GUARD_DD_APP_KEY" },
  prometheus: { label: "Prometheus", configured: (c) => c.prometheus !== undefined, settings: "DEPLOY_GUARD_PROMETHEUS_URL" },
};

export const notConfigured = (kind: SourceKind) => `${SOURCE_INFO[kind].label} is not configured (set ${SOURCE_INFO[kind].settings})`;
