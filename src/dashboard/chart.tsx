import { scriptJson, type ChartData } from "./chart-data.ts";
import { localDateTime, utcTime } from "./format.ts";
import type { Lang, Translate } from "./i18n/i18n.ts";

/** Two charts (error rate, response time) drawn by charts.js from the JSON embedded beside them. */
export function Charts({ id, data, t, lang }: { id: string; data: ChartData; t: Translate; lang?: Lang }) {
  const empty = data.errorRate.every((v) => v === null);
  // With the viewer's zone and language, times read as theirs; without, in UTC as before.
  const time = (s: number) => (data.zone && lang ? localDateTime(s * 1000, data.zone, lang) : utcTime(s * 1000));
  const from = time(data.x[0] ?? 0), to = time(data.x.at(-1) ?? 0);
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
          {data.bands.map((b) => <li><span class={`swatch band-${b.kind}`} aria-hidden="true"></span>{b.label}: {time(b.from)} – {time(b.to)}</li>)}
          {data.markers.map((m) => <li><span class="swatch marker" aria-hidden="true"></span>{m.label}: {time(m.at)}</li>)}
        </ul>
      )}
    </div>
  );
}
