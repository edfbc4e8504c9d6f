import type { Statement } from "better-sqlite3";
import type { MinuteSeries } from "../analysis/capacity/resample.ts";
import type { Db } from "../store/db.ts";
import type { CapacityRule } from "./capacity-rule.ts";

type Rows = [number, number][];

/** Reads a capacity model's series from the per-minute metric roll-ups: volumes summed over hosts, the resource averaged. */
export class CapacityReader {
  private readonly sum: Statement;
  private readonly mean: Statement;
  private readonly services: Statement;

  constructor(db: Db) {
    const where = "WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ? GROUP BY minute";
    this.sum = db.$client.prepare(`SELECT minute, SUM(sum) FROM metric_rollups ${where}`).raw(true);
    this.mean = db.$client.prepare(`SELECT minute, SUM(sum) / SUM(count) FROM metric_rollups ${where}`).raw(true);
    this.services = db.$client.prepare("SELECT DISTINCT service, environment FROM metric_rollups WHERE name = ? AND minute >= ?").raw(true);
  }

  series(model: CapacityRule, service: string, environment: string, start: number, end: number): MinuteSeries {
    const read = (stmt: Statement, name: string) => new Map(stmt.all(name, service, environment, start, end) as Rows);
    return {
      names: model.volumes,
      resource: read(this.mean, model.resource.metric),
      volumes: model.volumes.map((v) => read(this.sum, v)),
    };
  }

  /** Services and environments that pushed this metric since `since`: the candidates for a nightly refit. */
  servicesWith(metric: string, since: number): { service: string; environment: string }[] {
    return (this.services.all(metric, since) as [string, string][]).map(([service, environment]) => ({ service, environment }));
  }
}
