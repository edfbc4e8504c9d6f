import type { MinuteSeries } from "../analysis/capacity/resample.ts";
import type { Statement, Store } from "../store/store.ts";
import type { CapacityRule } from "./capacity-rule.ts";

type Row = { minute: number; value: number };

/** Reads a capacity model's series from the per-minute metric roll-ups: volumes summed over hosts, the resource averaged. */
export class CapacityReader {
  private readonly sum: Statement<Row>;
  private readonly mean: Statement<Row>;
  private readonly services: Statement<{ service: string; environment: string }>;

  constructor(store: Store) {
    const where = "WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ? GROUP BY minute ORDER BY minute";
    this.sum = store.statement(`SELECT minute, SUM(sum) AS value FROM metric_rollups ${where}`);
    this.mean = store.statement(`SELECT minute, SUM(sum) / SUM(count) AS value FROM metric_rollups ${where}`);
    this.services = store.statement("SELECT DISTINCT service, environment FROM metric_rollups WHERE name = ? AND minute >= ? ORDER BY service, environment");
  }

  async series(model: CapacityRule, service: string, environment: string, start: number, end: number): Promise<MinuteSeries> {
    const read = async (stmt: Statement<Row>, name: string) => new Map((await stmt.all(name, service, environment, start, end)).map((r) => [r.minute, r.value] as const));
    const resource = await read(this.mean, model.resource.metric);
    const volumes: Map<number, number>[] = [];
    for (const v of model.volumes) volumes.push(await read(this.sum, v));
    return { names: model.volumes, resource, volumes };
  }

  /** Services and environments that pushed this metric since `since`: the candidates for a nightly refit. */
  async servicesWith(metric: string, since: number): Promise<{ service: string; environment: string }[]> {
    return (await this.services.all(metric, since)).map(({ service, environment }) => ({ service, environment }));
  }
}
