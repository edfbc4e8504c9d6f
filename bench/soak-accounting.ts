import type Database from "better-sqlite3";
import type { Received } from "../test/notify/local-receiver.ts";

const UNKNOWN_ROLLBACK = "may or may not have run";

/** Distinct Idempotency-Keys delivered per key: a repeat with the same key is one delivery the receiver drops. */
function keysBy(got: Received[], key: (g: Received) => string): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const g of got) m.set(key(g), (m.get(key(g)) ?? new Set()).add(String(g.headers["idempotency-key"])));
  return m;
}

/**
 * Alerts per release, counting both ways a failing release reaches a person: its own verdict alert, or a line in its
 * route's throttle digest. A digest names at most 20 releases, so membership is read from the outbox (the release's
 * 'throttled' row and its window) and the delivered digest's count is checked against the rows of that window.
 */
export function countAlerts(got: Received[], releases: string[], db: Database.Database, windowMs: number) {
  const verdicts = got.filter((g) => g.json?.type === "verdict" && !String(g.json?.summary).includes(UNKNOWN_ROLLBACK));
  const own = keysBy(verdicts, (g) => g.json.release_id as string);
  const digests = got.filter((g) => g.json?.type === "digest");
  const windowKey = (service: string, start: number | string) => `${service}|${typeof start === "number" ? new Date(start).toISOString() : start}`;
  const digestKeys = keysBy(digests, (g) => windowKey(g.json.service, g.json.window.start));
  const digestCount = new Map(digests.map((g) => [windowKey(g.json.service, g.json.window.start), g.json.count as number]));
  const throttled = db.prepare("SELECT release_id AS id, service, created_at AS at FROM notifications WHERE kind = 'verdict' AND status = 'throttled'").all() as { id: string; service: string; at: number }[];
  const windowOf = new Map<string, string>();
  const rowsPerWindow = new Map<string, number>();
  for (const t of throttled) {
    const w = windowKey(t.service, Math.floor(t.at / windowMs) * windowMs);
    windowOf.set(t.id, w);
    rowsPerWindow.set(w, (rowsPerWindow.get(w) ?? 0) + 1);
  }
  const named = new Set(digests.flatMap((g) => (g.json.releases as { release_id: string }[]).map((r) => r.release_id)));
  const per = releases.map((id) => {
    const w = windowOf.get(id);
    return { id, own: own.get(id)?.size ?? 0, digest: w ? (digestKeys.get(w)?.size ?? 0) : 0 };
  });
  const distinctDeliveries = [...own.values(), ...digestKeys.values()].reduce((a, s) => a + s.size, 0);
  return {
    alertsOwnExactlyOnce: per.filter((r) => r.own === 1 && r.digest === 0).length,
    alertsInOneDigest: per.filter((r) => r.own === 0 && r.digest === 1).length,
    alertsInOneDigestNamed: per.filter((r) => r.own === 0 && r.digest === 1 && named.has(r.id)).length,
    alertsMissing: per.filter((r) => r.own + r.digest === 0).length,
    alertsTwice: per.filter((r) => r.own + r.digest > 1).length,
    digestsDelivered: [...digestKeys.values()].reduce((a, s) => a + s.size, 0),
    digestWindows: rowsPerWindow.size,
    digestsWithWrongCount: [...rowsPerWindow].filter(([w, n]) => digestCount.has(w) && digestCount.get(w) !== n).length,
    digestNamedNotThrottled: [...named].filter((id) => !windowOf.has(id)).length,
    alertDeliveries: verdicts.length + digests.length,
    alertsRepeatedWithSameKey: verdicts.length + digests.length - distinctDeliveries,
  };
}

/**
 * Rollback commands per release (each run appends the release id to a file), and why any never ran: 'unknown' with a
 * person alerted is the designed answer to a kill between recording the attempt and starting the command, which the
 * time from the attempt's start to the next kill shows.
 */
export function countRollbacks(got: Received[], releases: string[], runLines: string[], db: Database.Database, killTimes: number[] = []) {
  const runs = new Map<string, number>();
  for (const id of runLines) runs.set(id, (runs.get(id) ?? 0) + 1);
  const status = new Map((db.prepare("SELECT release_id AS id, status FROM rollbacks").all() as { id: string; status: string }[]).map((r) => [r.id, r.status]));
  const unknownAlerts = keysBy(got.filter((g) => String(g.json?.summary).includes(UNKNOWN_ROLLBACK)), (g) => g.json.release_id as string);
  const unknown = [...status].filter(([, s]) => s === "unknown").map(([id]) => id);
  const never = releases.filter((id) => !runs.has(id));
  const tally = (xs: string[]) => JSON.stringify(Object.fromEntries(xs.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<string, number>())));
  const startedAt = new Map((db.prepare("SELECT subject AS id, MAX(started_at) AS at FROM effect_attempts WHERE effect = 'rollback' GROUP BY subject").all() as { id: string; at: number }[]).map((r) => [r.id, r.at]));
  const msToKill = never.flatMap((id) => {
    const at = startedAt.get(id);
    const kill = at === undefined ? undefined : killTimes.find((k) => k >= at);
    return kill === undefined ? [] : [kill - at!];
  });
  return {
    rollbacksExactlyOnce: releases.filter((id) => runs.get(id) === 1).length,
    rollbacksTwice: releases.filter((id) => (runs.get(id) ?? 0) > 1).length,
    rollbacksNeverRun: never.length,
    rollbacksNeverRunByStatus: tally(never.map((id) => status.get(id) ?? "no rollback row")),
    rollbacksNeverRunIds: never.slice(0, 10).join(" "),
    rollbacksNeverRunMsFromStartToKill: msToKill.length ? `${Math.min(...msToKill)}–${Math.max(...msToKill)}` : "-",
    rollbacksUnknown: unknown.length,
    rollbacksUnknownRanOnce: unknown.filter((id) => runs.get(id) === 1).length,
    rollbacksUnknownPersonAlertedOnce: unknown.filter((id) => unknownAlerts.get(id)?.size === 1).length,
    rollbacksByStatus: tally([...status.values()]),
  };
}
