import type { MinuteSeries } from "../analysis/capacity/resample.ts";
import type { Statement, Store } from "../store/store.ts";
import type { CapacityRule, SeriesRead } from "./capacity-rule.ts";
import type { SourceSeriesReader } from "./source-series-reader.ts";

type Row = { minute: number; value: number };
type Window = { service: string; environment: string; start: number; end: number };

/**
 * Reads a capacity model's series: pushed ones from the per-minute metric roll-ups (volumes summed over hosts, the
 * resource averaged), the others from their outside source.
 */
export class CapacityReader {
  private readonly sum: Statement<Row>;
  private readonly mean: Statement<Row>;
  private readonly services: Statement<{ service: string; environment: string }>;
  private readonly released: Statement<{ service: string; environment: string }>;

  constructor(store: Store, private readonly outside?: SourceSeriesReader) {
    const where = "WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ? GROUP BY minute ORDER BY minute";
    this.sum = store.statement(`SELECT minute, SUM(sum) AS value FROM metric_rollups ${where}`);
    this.mean = store.statement(`SELECT minute, SUM(sum) / SUM(count) AS value FROM metric_rollups ${where}`);
    this.services = store.statement("SELECT DISTINCT service, environment FROM metric_rollups WHERE name = ? AND minute >= ? ORDER BY service, environment");
    this.released = store.statement("SELECT DISTINCT service, environment FROM releases ORDER BY service, environment");
  }

  async series(model: CapacityRule, service: string, environment: string, start: number, end: number): Promise<MinuteSeries> {
    const read = (s: SeriesRead, pushed: Statement<Row>) => this.read(s, pushed, { service, environment, start, end }, model.interval_minutes);
    const resource = await read(model.reads.resource, this.mean);
    const volumes: Map<number, number>[] = [];
    for (const v of model.reads.volumes) volumes.push(await read(v, this.sum));
    return { names: model.volumes, resource, volumes };
  }

  private async read(s: SeriesRead, pushed: Statement<Row>, w: Window, intervalMinutes: number): Promise<Map<number, number>> {
    if (s.source !== "builtin") {
      if (!this.outside) throw new Error("capacity series from outside sources need a SourceSeriesReader");
      return this.outside.read(s, w, intervalMinutes);
    }
    return new Map((await pushed.all(s.name, w.service, w.environment, w.start, w.end)).map((r) => [r.minute, r.value] as const));
  }

  /**
   * The candidates for a nightly refit: services that pushed the resource since `since`, or, for a resource kept in
   * an outside source, every service deploy-guard has seen a release of.
   */
  async servicesWith(model: CapacityRule, since: number): Promise<{ service: string; environment: string }[]> {
    const rows = model.reads.resource.source === "builtin" ? await this.services.all(model.reads.resource.name, since) : await this.released.all();
    return rows.map(({ service, environment }) => ({ service, environment }));
  }
}
