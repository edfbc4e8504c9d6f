import { createRoute, z } from "@hono/zod-openapi";
import type { Headroom } from "../analysis/capacity/headroom.ts";
import type { CapacityStatus, ServiceCapacity } from "../capacity/capacity-types.ts";
import type { Container } from "../container.ts";
import { AppError } from "../http/app-error.ts";
import type { Router } from "../http/router.ts";
import type { Lang } from "./i18n/i18n.ts";
import { Layout } from "./layout.tsx";
import { pageContext, type PageContext } from "./page-context.ts";
import { HTML_PAGE, renderPage } from "./page-response.ts";

// The page's own words; small enough to keep beside it until they join the shared dictionaries.
const TEXT = {
  en: {
    title: "Capacity: {service}", headroom: "Headroom", actual: "Actual and predicted {resource}", cost: "Cost per unit, by release",
    limitAt: "{resource} reaches its limit of {limit} at about {volume} operations per {minutes} min: {ratio} times today's busiest interval.",
    daysLeft: "At the current growth that is about {days} days away.", noGrowth: "Traffic is not growing towards the limit.",
    noTrend: "There is too little history to tell whether traffic is growing: the trend needs at least 3 days.",
    when: "When", actualCol: "Actual", predictedCol: "Predicted", limitCol: "Limit", average: "Average, last {hours} h", peak: "Busiest interval today",
    release: "Release", fitted: "Fitted", status: "Status", atLimit: "Volume at the limit", noHistory: "No release has been compared yet.",
    perUnit: "{resource} per {volume}", model: "How well the model fits: R² {r2} over {n} intervals.",
    pass: "✓ no change", warn: "! costs more", fail: "✕ costs much more", nodata: "? not enough data",
  },
  "zh-CN": {
    title: "容量：{service}", headroom: "余量", actual: "{resource} 实际值与预测值", cost: "各版本的单位成本",
    limitAt: "{resource} 在每 {minutes} 分钟约 {volume} 次操作时达到上限 {limit}，是今天最繁忙时段的 {ratio} 倍。",
    daysLeft: "按目前的增长，大约还有 {days} 天。", noGrowth: "流量没有向上限增长。",
    noTrend: "历史太短，看不出流量是否在增长：趋势至少需要 3 天。",
    when: "时段", actualCol: "实际", predictedCol: "预测", limitCol: "上限", average: "过去 {hours} 小时平均", peak: "今天最繁忙的时段",
    release: "版本", fitted: "拟合时间", status: "状态", atLimit: "达到上限时的量", noHistory: "还没有比较过任何版本。",
    perUnit: "每次 {volume} 的 {resource}", model: "模型拟合程度：{n} 个时段，R² {r2}。",
    pass: "✓ 无变化", warn: "! 成本上升", fail: "✕ 成本大幅上升", nodata: "? 数据不足",
  },
} satisfies Record<Lang, Record<string, string>>;
type Key = keyof (typeof TEXT)["en"];

function say(lang: Lang, key: Key, values: Record<string, string | number> = {}): string {
  return TEXT[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Three significant digits, so 0.0123 and 12,300 both read at a glance. */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : String(Number(v.toPrecision(3)));
}

/** The model's value at the fit's mean volumes: intercept + Σ cost per unit × mean volume. */
function predictedAtMeans(c: ServiceCapacity): number | null {
  const fit = c.current;
  if (!fit) return null;
  return fit.coefficients.reduce((sum, k, i) => sum + k.estimate * (i === 0 ? 1 : fit.means[k.name] ?? 0), 0);
}

/** Days to the limit; "not growing" only when a trend was measured, "too little history" when none could be. */
function trend(l: Lang, h: Headroom): string {
  if (h.days_to_limit !== null) return say(l, "daysLeft", { days: num(h.days_to_limit) });
  return h.growth_per_day === null ? say(l, "noTrend") : say(l, "noGrowth");
}

export function CapacityPage({ p, c }: { p: PageContext; c: ServiceCapacity }) {
  const l = p.lang;
  const m = c.model;
  const h = c.headroom;
  return (
    <Layout title={say(l, "title", { service: c.service })} lang={l} page={p}>
      <h1>{say(l, "title", { service: c.service })} <span class="env">{c.environment}</span></h1>
      <section>
        <h2>{say(l, "headroom")}</h2>
        {h && h.volume_at_limit !== null
          ? <p class="headline">{say(l, "limitAt", { resource: m.resource, limit: num(m.limit), volume: num(h.volume_at_limit), minutes: m.interval_minutes, ratio: num(h.ratio) })}</p>
          : <p class="headline">{h?.reason ?? c.reason}</p>}
        {h && h.volume_at_limit !== null && <p class="trend">{trend(l, h)}</p>}
      </section>
      <section>
        <h2>{say(l, "actual", { resource: m.resource })}</h2>
        {c.current ? (
          <div class="table-wrap"><table class="capacity-actual">
            <thead><tr><th scope="col">{say(l, "when")}</th><th scope="col">{say(l, "actualCol")}</th><th scope="col">{say(l, "predictedCol")}</th><th scope="col">{say(l, "limitCol")}</th></tr></thead>
            <tbody>
              <tr><th scope="row">{say(l, "average", { hours: m.fit_window_hours })}</th><td>{num(c.current.means.resource)}</td><td>{num(predictedAtMeans(c))}</td><td>{num(m.limit)}</td></tr>
              {h && <tr><th scope="row">{say(l, "peak")}</th><td>–</td><td>{num(h.resource_at_peak)}</td><td>{num(m.limit)}</td></tr>}
            </tbody>
          </table></div>
        ) : <p>{c.reason}</p>}
        {c.current && <p class="hint">{say(l, "model", { r2: num(c.current.r2), n: c.current.n })}</p>}
      </section>
      <section>
        <h2>{say(l, "cost")}</h2>
        {c.history.length === 0 ? <p class="empty">{say(l, "noHistory")}</p> : <div class="table-wrap"><CostTable p={p} c={c} /></div>}
      </section>
    </Layout>
  );
}

function CostTable({ p, c }: { p: PageContext; c: ServiceCapacity }) {
  const l = p.lang;
  const rows = [...c.history].reverse();
  return (
    <table class="capacity-cost">
      <thead>
        <tr>
          <th scope="col">{say(l, "release")}</th><th scope="col">{say(l, "fitted")}</th><th scope="col">{say(l, "status")}</th>
          {c.model.volumes.map((v) => <th scope="col">{say(l, "perUnit", { resource: c.model.resource, volume: v })}</th>)}
          <th scope="col">{say(l, "atLimit")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr data-release={r.release_id}>
            <th scope="row"><a href={`/releases/${encodeURIComponent(r.release_id)}`}>{r.version}</a></th>
            <td><time datetime={r.fitted_at}>{r.fitted_at.slice(0, 16).replace("T", " ")} UTC</time></td>
            <td class={`capacity-${r.status}`}>{say(l, r.status satisfies CapacityStatus)}</td>
            {c.model.volumes.map((v) => {
              const k = r.coefficients.find((x) => x.name === v);
              return <td>{k ? `${num(k.estimate)} (${num(k.ci_low)} – ${num(k.ci_high)})` : "–"}</td>;
            })}
            <td>{num(r.volume_at_limit)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const page = createRoute({
  method: "get", path: "/services/{service}/capacity", summary: "Dashboard: a service's CPU against its capacity model, cost per unit by release, headroom", tags: ["dashboard"],
  request: {
    params: z.object({ service: z.string().min(1).max(200).openapi({ param: { name: "service", in: "path" } }) }),
    query: z.object({ environment: z.string().min(1).max(200).default("production"), lang: z.string().optional() }),
  },
  responses: { ...HTML_PAGE, 422: { description: "A bad query parameter" } },
});

/** The capacity page reads the capacity service's view (GET /api/v1/services/{service}/capacity) and renders it. */
export function capacityPageRoutes(
  app: Router,
  c: Container,
  view: (service: string, environment: string) => ServiceCapacity | Promise<ServiceCapacity> = (service, environment) => c.capacity.serviceView(service, environment),
): void {
  app.openapi(page, async (ctx) => {
    const { service } = ctx.req.valid("param");
    const { environment } = ctx.req.valid("query");
    const p = await pageContext(ctx, c);
    let capacity: ServiceCapacity;
    try {
      capacity = await view(service, environment);
    } catch (err) {
      if (err instanceof AppError && err.code === "NOT_FOUND") return renderPage(ctx, <Layout title={service} lang={p.lang} page={p}><h1>{service}</h1><p>{err.message}</p></Layout>, 404);
      throw err;
    }
    return renderPage(ctx, <CapacityPage p={p} c={capacity} />);
  });
}
