import { scriptJson, type ChartData } from "./chart-data.ts";
import { utcTime } from "./format.ts";
import type { Translate } from "./i18n/i18n.ts";

/** Two charts (error rate, response time) drawn by charts.js from the JSON embedded beside them. */
export function Charts({ id, data, t }: { id: string; data: ChartData; t: Translate }) {
  const empty = data.errorRate.every((v) => v === null);
  const from = utcTime((data.x[0] ?? 0) * 1000), to = utcTime((data.x.at(-1) ?? 0) * 1000);
  const chart = (series: "errorRate" | "latency", title: string) => (
    <figure class="chart-figure">
      <figcaption>{title}</figcaption>
      <div class="chart" data-chart={id} data-series={series} role="img" aria-label={t("chart.alt", { what: title, from, to })}></div>
    </figure>
  );
  return (
    <div class="charts">
      <script type="application/json" id={id} dangerouslySetInnerHTML={{ __html: scriptJson(data) }}></script>
      {empty ? <p class="empty">{t("chart.noData")}</p> : <>{chart("errorRate", data.labels.errors)}{chart("latency", data.labels.latency)}</>}
      {(data.bands.length > 0 || data.markers.length > 0) && (
        <ul class="chart-key">
          {data.bands.map((b) => <li><span class={`swatch band-${b.kind}`} aria-hidden="true"></span>{b.label}: {utcTime(b.from * 1000)} – {utcTime(b.to * 1000)}</li>)}
          {data.markers.map((m) => <li><span class="swatch marker" aria-hidden="true"></span>{m.label}: {utcTime(m.at * 1000)}</li>)}
        </ul>
      )}
    </div>
  );
}
