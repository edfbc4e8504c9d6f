import type { WeekCount } from "./dora-measures.ts";
import { hourLabel, type HourProfile } from "./quiet-hour.ts";

// Drawn on the server as SVG: no script, readable without one, the same at every width (the viewBox scales).
const W = 400, H = 200, LEFT = 30, RIGHT = 6, TOP = 10, BOTTOM = 34;
const PLOT_W = W - LEFT - RIGHT, PLOT_H = H - TOP - BOTTOM;

/** A round top for the y axis and 2–5 gridlines: 1, 2 or 5 times a power of ten a step (whole steps for counts). */
function axis(max: number, whole = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 4, pow = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(whole ? 1 : 0, [1, 2, 5, 10].map((k) => k * pow).find((s) => s >= raw)!);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(6)));
  return ticks;
}

function Grid({ ticks }: { ticks: number[] }) {
  const top = ticks.at(-1)!;
  return (
    <g class="grid">
      {ticks.map((v) => {
        const y = TOP + PLOT_H - (v / top) * PLOT_H;
        return <><line x1={LEFT} x2={W - RIGHT} y1={y} y2={y} /><text x={LEFT - 4} y={y + 4} text-anchor="end">{v >= 1000 ? `${v / 1000}k` : v}</text></>;
      })}
    </g>
  );
}

/** Stacked bars of releases per week: healthy, stopped or rolled back, other. */
export function WeeksChart({ weeks, labels, alt }: { weeks: WeekCount[]; labels: { good: string; failed: string; other: string; week: (w: WeekCount) => string }; alt: string }) {
  const ticks = axis(Math.max(1, ...weeks.map((w) => w.good + w.failed + w.other)), true);
  const top = ticks.at(-1)!;
  const slot = PLOT_W / weeks.length, bar = Math.max(2, slot * 0.7);
  const every = Math.ceil(weeks.length / 6);
  const y = (v: number) => (v / top) * PLOT_H;
  return (
    <svg class="bars" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={alt}>
      <Grid ticks={ticks} />
      {weeks.map((w, i) => {
        const x = LEFT + i * slot + (slot - bar) / 2;
        let base = TOP + PLOT_H;
        const part = (n: number, cls: string, label: string) => {
          if (n === 0) return null;
          base -= y(n);
          return <rect class={cls} x={x} y={base} width={bar} height={y(n)}><title>{`${labels.week(w)}: ${n} ${label}`}</title></rect>;
        };
        return (
          <g>
            {part(w.good, "good", labels.good)}{part(w.failed, "failed", labels.failed)}{part(w.other, "other", labels.other)}
            {i % every === 0 && <text class="x" x={x + bar / 2} y={H - BOTTOM + 16} text-anchor="middle">{labels.week(w)}</text>}
          </g>
        );
      })}
    </svg>
  );
}

/** Median requests a minute for each hour of the day, the quietest hour marked. */
export function HoursChart({ profile, alt }: { profile: HourProfile; alt: string }) {
  const ticks = axis(Math.max(...profile.perHour));
  const top = ticks.at(-1)!;
  const slot = PLOT_W / 24, bar = slot * 0.8;
  return (
    <svg class="bars" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={alt}>
      <Grid ticks={ticks} />
      {profile.perHour.map((v, h) => {
        const x = LEFT + h * slot + (slot - bar) / 2, height = top > 0 ? (v / top) * PLOT_H : 0;
        return (
          <g>
            <rect class={h === profile.quietest.hour ? "quietest" : "hour"} x={x} y={TOP + PLOT_H - height} width={bar} height={height}>
              <title>{`${hourLabel(h)}–${hourLabel(h + 1)}: ${Math.round(v * 10) / 10}`}</title>
            </rect>
            {h % 3 === 0 && <text class="x" x={x + bar / 2} y={H - BOTTOM + 16} text-anchor="middle">{hourLabel(h)}</text>}
          </g>
        );
      })}
    </svg>
  );
}
