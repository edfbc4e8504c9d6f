import type { FieldError } from "../../http/app-error.ts";

/** deploy-guard's field names as the sender knows them in OTLP, for a message the person reading the SDK log can act on. */
const OTLP_NAMES: Record<string, string> = {
  service: "resource attribute service.name",
  environment: "resource attribute deployment.environment.name",
  version: "resource attribute service.version",
  host: "resource attribute host.name",
  route: "attribute http.route",
  status: "attribute http.response.status_code",
  timestamp: "time",
  latency_ms: "duration (end − start)",
  message: "body",
  level: "severity",
  name: "metric name",
  value: "value",
  tags: "attributes",
};
const SHOWN = 3;

function readable(e: FieldError): string {
  const m = e.path.match(/^(.*\])\.([a-z_]+)(\..*)?$/);
  const field = m ? OTLP_NAMES[m[2]!] : undefined;
  return field ? `${m![1]} ${field}${m![3] ?? ""} ${e.message}` : `${e.path}: ${e.message}`;
}

/** The partial_success error_message: how many were refused and the first few reasons, in English. */
export function refusalMessage(refused: readonly FieldError[], rejected: number, what: string): string {
  if (rejected === 0) return "";
  const shown = refused.slice(0, SHOWN).map(readable).join("; ");
  const more = refused.length > SHOWN ? `; and ${refused.length - SHOWN} more` : "";
  return `${what[0]!.toUpperCase()}${what.slice(1)} not stored: ${rejected}. ${shown}${more}.`;
}
