import type { Check } from "../verdicts/verdict.ts";
import { changeText, millis, percent, pValue, signedPercent, utcTime } from "./format.ts";
import type { Translate } from "./i18n/i18n.ts";
import type { ReleaseData } from "./release-data.ts";
import { StatusLight } from "./status-light.tsx";

function value(check: Check, v: number | null): string {
  if (check.kind === "error_rate") return percent(v);
  if (check.kind === "latency") return millis(v);
  return v === null ? "—" : String(Number(v.toPrecision(4)));
}

function signalName(check: Check, t: Translate): string {
  if (check.kind === "error_rate") return t("signal.error_rate");
  if (check.kind === "latency") return t("signal.latency");
  return check.signal;
}

const ratio = (x: number) => `×${(1 + x).toFixed(x >= 0.995 ? 1 : 2)}`;

/**
 * What the data allow, in words: the change's interval at its real level, or, for a pass, the largest rise it does
 * not rule out. Never a p-value read as "how sure" (issue 11): a p-value is not the chance the finding is real.
 */
export function likelyRange(check: Check, t: Translate): string {
  if (check.sequential?.status === "continue") return t("sure.checking");
  if (check.status === "nodata" || check.status === "error") return t("sure.noData");
  const { ci_low: low, ci_high: high } = check.change;
  const level = Math.round((check.sequential?.interval_level ?? 0.95) * 100);
  if (check.status === "pass") return high === null ? t("sure.noChange") : t("sure.atMost", { bound: ratio(high), level });
  if (low !== null && high !== null) return t("sure.between", { low: ratio(low), high: ratio(high), level });
  if (low !== null) return t("sure.atLeast", { bound: ratio(low), level });
  return t("sure.noData");
}

/** What changed and how sure we are: one row a signal, the engine's own (English) reason beside it. */
export function Changes({ d, t }: { d: ReleaseData; t: Translate }) {
  if (d.checks.length === 0) return <p class="empty">{t("release.noChecks")}</p>;
  return (
    <div class="table-wrap">
      <table class="changes">
        <thead><tr>
          <th scope="col">{t("release.col.signal")}</th><th scope="col">{t("board.col.status")}</th><th scope="col">{t("release.col.before")}</th>
          <th scope="col">{t("release.col.after")}</th><th scope="col">{t("release.col.change")}</th><th scope="col">{t("release.col.sure")}</th>
          <th scope="col">{t("release.col.why")}</th>
        </tr></thead>
        <tbody>
          {d.checks.map((ch) => (
            <tr data-signal={ch.signal}>
              <th scope="row">{signalName(ch, t)}</th>
              <td><CheckLight status={ch.status} t={t} /></td>
              <td class="num">{value(ch, ch.baseline.value)}</td>
              <td class="num">{value(ch, ch.candidate.value)}</td>
              <td class="num">{changeText(ch.change.relative)}</td>
              <td class="sure">{likelyRange(ch, t)}</td>
              <td class="reason" lang="en">{ch.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const CHECK_TONE = { pass: ["✓", "green"], warn: ["!", "amber"], fail: ["✕", "red"], nodata: ["?", "grey"], error: ["?", "grey"] } as const;

function CheckLight({ status, t }: { status: Check["status"]; t: Translate }) {
  const [icon, tone] = CHECK_TONE[status];
  return <span class={`light tone-${tone}`} data-status={status}><span class="icon" aria-hidden="true">{icon}</span> <span class="word">{t(`check.${status}`)}</span></span>;
}

/** What was done: alerts sent, decisions by people, rollbacks and their attempts. */
export function Done({ d, t }: { d: ReleaseData; t: Translate }) {
  return (
    <>
      <h3>{t("release.alerts")}</h3>
      {d.alerts.length === 0 ? <p class="empty">{t("release.noAlerts")}</p> : (
        <ul class="events">
          {d.alerts.map((a) => <li><time>{utcTime(a.at)}</time> {t("release.alert.line", { channel: a.target ? `${a.channel} ${a.target}` : a.channel, status: t(`alert.${a.status}`) })}</li>)}
        </ul>
      )}
      <h3>{t("release.audit")}</h3>
      {d.audit.length === 0 ? <p class="empty">{t("release.noAudit")}</p> : (
        <ul class="events audit">
          {d.audit.map((e) => <li data-kind={e.kind}><time>{utcTime(Date.parse(e.at))}</time> <strong>{e.actor}</strong>: <span lang="en">{e.message}</span></li>)}
        </ul>
      )}
    </>
  );
}

/** The statistics behind the verdict, for engineers: methods, p- and q-values, intervals, sample sizes, batches. */
export function EngineerDetails({ d, t }: { d: ReleaseData; t: Translate }) {
  const v = d.verdict;
  return (
    <details class="engineers">
      <summary>{t("release.engineers")}</summary>
      <p>{t("release.stats.rule")}: <code>{v.rule ?? "—"}</code> · {t("release.stats.score")}: {v.score === null ? "—" : v.score.toFixed(1)}
        {d.row.commit && <> · {t("release.commit")}: <code>{d.row.commit}</code></>}</p>
      {v.windows && <p lang="en">{t("release.windows", { label: v.windows.baseline.label })}</p>}
      <div class="table-wrap">
        <table class="stats">
          <thead><tr>
            <th scope="col">{t("release.stats.signal")}</th><th scope="col">{t("release.stats.method")}</th><th scope="col">{t("release.stats.p")}</th>
            <th scope="col">{t("release.stats.q")}</th><th scope="col">{t("release.stats.ci")}</th><th scope="col">{t("release.stats.n")}</th><th scope="col">{t("release.stats.details")}</th>
          </tr></thead>
          <tbody>
            {d.checks.map((ch) => (
              <tr>
                <th scope="row"><code>{ch.signal}</code></th><td>{ch.method ?? "—"}</td><td>{pValue(ch.p_value)}</td><td>{pValue(ch.q_value)}</td>
                <td>[{signedPercent(ch.change.ci_low)}, {signedPercent(ch.change.ci_high)}]</td><td>{ch.baseline.n} / {ch.candidate.n}</td>
                <td><code>{Object.entries(ch.details).map(([k, x]) => `${k}=${typeof x === "number" ? Number(x.toPrecision(4)) : String(x)}`).join(" ")}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t("release.batches")}</h3>
      {d.batches.length === 0 ? <p class="empty">{t("release.noBatches")}</p> : (
        <ul class="events">
          {d.batches.map((b) => <li><StatusLight status={b.status} t={t} /> {t("release.batch", { index: b.batch.index, total: b.batch.total })}: <span lang="en">{b.summary}</span></li>)}
        </ul>
      )}
    </details>
  );
}
