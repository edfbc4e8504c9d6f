import { DashboardDefinitionSchema, type DashboardDefinition } from "./definition-schema.ts";

/** Used when no definition in the dashboards folder matches a service: the same panels as dashboards/default.yaml. */
export const DEFAULT_DASHBOARD: DashboardDefinition = DashboardDefinitionSchema.parse({
  name: "builtin-default",
  title: "Release health",
  panels: [
    { kind: "verdict_board", title: "Releases" },
    { kind: "error_rate", title: "Failed requests" },
    { kind: "latency", title: "Slowest requests (95th percentile)" },
    { kind: "deploy_markers", title: "Deploys and verdicts" },
    { kind: "capacity", title: "Capacity" },
  ],
});
