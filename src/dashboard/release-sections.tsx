import type { AuditView } from "../decisions/audit-log.ts";
import type { DecisionAction } from "../decisions/decision-overlay.ts";
import type { Check } from "../verdicts/verdict.ts";
import { changeText, localDateTime, pValue, signedPercent } from "./format.ts";
import type { Translate } from "./i18n/i18n.ts";
import type { PageContext } from "./page-context.ts";
import type { ReleaseData } from "./release-data.ts";
import { checkValue as value, worseSoFar, type Reader } from "./release-words.ts";
import { StatusLight } from "./status-light.tsx";

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

/** Why a check stands where it does, in words; the engine's own sentence is in the details for engineers. */
function why(check: Check, worsening: boolean, t: Translate): string {
  if (check.skipped) return t("why.skipped", { by: check.skipped.by });
  if (check.sequential?.status === "continue") return t(worsening ? "why.worsening" : "why.checking");
  return t(`why.${check.status}`);
}

/** What changed and how sure we are: one row a signal; on a phone each row stacks, its cells labelled. */
export function Changes({ d, reader }: { d: ReleaseData; reader: Reader }) {
  const { t } = reader;
  if (d.checks.length === 0) return <p class="empty">{t("release.noChecks")}</p>;
  const early = new Set(worseSoFar({ status: d.facts.engineStatus, checks: d.checks }).map((c) => c.signal));
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
              <td data-label={t("board.col.status")}><CheckLight status={ch.status} t={t} /></td>
              <td class="num" data-label={t("release.col.before")}>{value(ch, ch.baseline.value)}</td>
              <td class="num" data-label={t("release.col.after")}>{value(ch, ch.candidate.value)}</td>
              <td class="num" data-label={t("release.col.change")}>{changeText(ch.change.relative, ch.kind === "latency" ? 2 : undefined)}</td>
              <td class="sure" data-label={t("release.col.sure")}>{likelyRange(ch, t)}</td>
              <td class="reason" data-label={t("release.col.why")}>{why(ch, early.has(ch.signal), t)}</td>
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

const ACTIONS = new Set<string>(["approve", "hold", "rollback", "retry", "skip", "mark_wrong"]);

/** An audit event in the reader's words, from its kind and data; the stored (English) message is its title. */
function auditLine(e: AuditView, t: Translate): string {
  const action = typeof e.data.action === "string" && ACTIONS.has(e.data.action) ? t(`action.${e.data.action as DecisionAction}.done`) : "—";
  return t(`audit.${e.kind}`, { action });
}

/** What was done: alerts sent, decisions by people, rollbacks and their attempts; times in the reader's zone. */
export function Done({ d, reader }: { d: ReleaseData; reader: Reader }) {
  const { t } = reader;
  const at = (ms: number) => <time datetime={new Date(ms).toISOString()}>{localDateTime(ms, reader.zone, reader.lang)}</time>;
  return (
    <>
      <h3>{t("release.alerts")}</h3>
      {d.alerts.length === 0 ? <p class="empty">{t("release.noAlerts")}</p> : (
        <ul class="events">
          {d.alerts.map((a) => <li>{at(a.at)} {t("release.alert.line", { channel: a.target ? `${a.channel} ${a.target}` : a.channel, status: t(`alert.${a.status}`) })}</li>)}
        </ul>
      )}
      <h3>{t("release.audit")}</h3>
      {d.audit.length === 0 ? <p class="empty">{t("release.noAudit")}</p> : (
        <ul class="events audit">
          {d.audit.map((e) => <li data-kind={e.kind} title={e.message}>{at(Date.parse(e.at))} <strong translate="no">{e.actor}</strong>: <span>{auditLine(e, t)}</span></li>)}
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
      <h3>{t("release.stats.reasons")}</h3>
      <ul class="events reasons" lang="en">
        <li lang="en">{v.summary}</li>
        {d.checks.map((ch) => <li><code>{ch.signal}</code>: {ch.reason}</li>)}
      </ul>
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

/** Judge again, set a signal aside, approve or hold one batch, or say the verdict was wrong. */
export function MoreActions({ p, d, reader }: { p: PageContext; d: ReleaseData; reader: Reader }) {
  const { t } = p;
  const id = encodeURIComponent(d.verdict.release_id);
  const csrf = <input type="hidden" name="csrf" value={p.viewer.csrf ?? ""} />;
  const reason = (key: string) => <><label for={`reason-${key}`}>{t("action.reason")}</label><textarea id={`reason-${key}`} name="reason" rows={1} maxlength={1000} required></textarea></>;
  return (
    <div class="more-actions">
      <form method="post" action={`/releases/${id}/decision`} class="actions" data-form="again">
        <h3>{t("more.again.title")}</h3>
        {csrf}{reason("retry")}
        <label for="skip-signal">{t("more.again.signal")}</label>
        <select id="skip-signal" name="signal"><option value="">—</option>{d.checks.map((c) => <option value={c.signal}>{c.signal}</option>)}</select>
        <div class="buttons">
          <button type="submit" name="action" value="retry" class="tone-grey">↻ {t("more.again.retry")}</button>
          <button type="submit" name="action" value="skip" class="tone-grey">– {t("more.again.skip")}</button>
        </div>
      </form>
      {d.batches.length > 0 && (
        <form method="post" action={`/releases/${id}/decision`} class="actions" data-form="batch">
          <h3>{t("more.batch.title")}</h3>
          {csrf}{reason("batch")}
          <label for="batch-index">{t("more.batch.label")}</label>
          <select id="batch-index" name="batch">{d.batches.map((b) => <option value={String(b.batch.index)}>{t("release.batch", { index: b.batch.index, total: b.batch.total })}</option>)}</select>
          <div class="buttons">
            <button type="submit" name="action" value="approve" class="tone-green">✓ {t("more.batch.approve")}</button>
            <button type="submit" name="action" value="hold" class="tone-grey">‖ {t("more.batch.hold")}</button>
          </div>
        </form>
      )}
      <form method="post" action={`/releases/${id}/decision`} class="actions" data-form="mark">
        <h3>{t("more.mark.title")}</h3>
        <p class="hint">{t("more.mark.help")}</p>
        {csrf}{reason("mark")}
        <label for="mark-feedback">{t("more.mark.what")}</label>
        <select id="mark-feedback" name="feedback">
          <option value="false_fail">{t("more.mark.false_fail")}</option>
          <option value="missed_regression">{t("more.mark.missed_regression")}</option>
        </select>
        <div class="buttons"><button type="submit" name="action" value="mark_wrong" class="tone-grey">{t("more.mark.submit")}</button></div>
      </form>
      <Marks d={d} reader={reader} />
    </div>
  );
}

/** The decisions that do not set the gate, in the reader's words; the reason is shown as its author wrote it. */
function Marks({ d, reader }: { d: ReleaseData; reader: Reader }) {
  const { t } = reader;
  const marks = d.decisions.filter((x) => x.action === "mark_wrong" || x.action === "skip" || x.action === "retry" || x.batch !== null);
  if (marks.length === 0) return null;
  return (
    <ul class="events decisions">
      {marks.map((x) => {
        const about = [
          ...(x.batch !== null ? [t("more.marks.batch", { index: x.batch })] : []),
          ...(x.signal ? [t("more.marks.signal", { signal: x.signal })] : []),
          ...(x.feedback ? [t(`more.marks.${x.feedback}`)] : []),
        ];
        return (
          <li data-action={x.action}><time>{localDateTime(Date.parse(x.at), reader.zone, reader.lang)}</time> <strong translate="no">{x.actor}</strong>: <span>{t(`action.${x.action}.done`)}</span>
            {about.map((a) => ` (${a})`).join("")} — <q class="quote" translate="no">{x.reason}</q></li>
        );
      })}
    </ul>
  );
}
