import type { LogsRequest } from "./otlp-types.ts";
import type { MappedRecords } from "./mapped-records.ts";
import { nanosToMs, originOf, plain, withOrigin } from "./otlp-values.ts";

const MAX_MESSAGE = 65_536;
/** SeverityNumber ranges (OTel logs data model): 1–4 TRACE … 17–20 ERROR, 21–24 FATAL. */
const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

function levelOf(severityNumber: number, severityText: string): string | undefined {
  if (severityNumber >= 1 && severityNumber <= 24) return LEVELS[Math.floor((severityNumber - 1) / 4)];
  const said = severityText.trim().toLowerCase();
  return said === "" ? undefined : said.slice(0, 20);
}

/**
 * Log records as log events: level from the severity (17 and above is an error, so error signatures see it), message
 * from the body (a structured body as JSON), dated by when it happened, else when it was observed.
 */
export function mapLogs(req: LogsRequest): MappedRecords {
  const out: MappedRecords = { records: [], where: [], skipped: 0 };
  req.resourceLogs.forEach((rl, r) => {
    const origin = withOrigin(originOf(rl.resource));
    rl.scopeLogs.forEach((sl, s) => sl.logRecords.forEach((log, i) => {
      const body = plain(log.body);
      const at = nanosToMs(log.timeUnixNano) || nanosToMs(log.observedTimeUnixNano);
      out.records.push({
        ...origin,
        timestamp: at,
        level: levelOf(log.severityNumber, log.severityText),
        message: body === undefined ? undefined : String(body).slice(0, MAX_MESSAGE),
      });
      out.where.push(`resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`);
    }));
  });
  return out;
}
