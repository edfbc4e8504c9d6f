import type { SignalInput } from "../analysis/judge.ts";
import type { Rule, SignalRule } from "../rules/rule-schema.ts";
import type { Sources } from "../sources/registry.ts";
import { notConfigured, SOURCE_INFO } from "../sources/source-info.ts";
import { callSource, type CallPolicy } from "../sources/source-call.ts";
import { NoDataError, SourceError, type SourceQuery } from "../sources/source.ts";
import type { PairedWindows, WindowSpec } from "./baseline-resolver.ts";
import { pairSeries } from "./series-pairing.ts";
import { describeNewErrorKinds, type NewErrorKinds } from "../sources/elasticsearch/error-kinds.ts";

/** One outside signal's data for the judge, or why its source could not give it (a sentence for the verdict). */
export type ExternalRead = { kind: "data"; data: SignalInput["data"]; note?: string } | { kind: "outage"; reason: string };

/** A source that can also name the kinds of error new since the baseline (Elasticsearch logs). */
interface ErrorKindFinder {
  newErrorKinds(candidate: SourceQuery, baseline: SourceQuery): Promise<NewErrorKinds>;
}
const findsErrorKinds = (s: object): s is ErrorKindFinder => typeof (s as Partial<ErrorKindFinder>).newErrorKinds === "function";
export type ExternalReads = ReadonlyMap<string, ExternalRead>;
export const NO_READS: ExternalReads = new Map();

/** What the fetch stage needs of an evaluation; EvaluationInput (evaluator.ts) is one, without this file importing it back. */
export interface ReadInput {
  service: string;
  environment: string;
  version: string;
  rule: Rule;
  paired: PairedWindows;
}

export const readsOutsideSources = (rule: Rule) => rule.signals.some((s) => s.source !== "builtin");

/**
 * The fetch stage for signals kept outside deploy-guard: every signal of a release in parallel, each query bounded
 * (source-call.ts), outside any transaction. Never throws: a failure becomes the signal's outage, judged by its no-data policy.
 */
export class ExternalReader {
  constructor(
    private readonly sources: Sources,
    private readonly policy: CallPolicy,
  ) {}

  async read(input: ReadInput): Promise<ExternalReads> {
    const { paired } = input;
    if (paired.kind === "missing") return NO_READS;
    const outside = input.rule.signals.filter((s) => s.source !== "builtin");
    const reads = await Promise.all(outside.map((s) => this.readSignal(s, input, paired.baseline, paired.candidate)));
    return new Map(outside.map((s, i) => [s.name, reads[i]!]));
  }

  private async readSignal(signal: SignalRule, input: ReadInput, baseline: WindowSpec, candidate: WindowSpec): Promise<ExternalRead> {
    const label = SOURCE_INFO[signal.source].label;
    const source = this.sources.get(signal.source);
    if (!source) return { kind: "outage", reason: notConfigured(signal.source) };
    const query = (w: WindowSpec, version?: string): SourceQuery => ({
      // new_errors and error_budget are builtin only (rule-schema.ts), so never read here.
      signal: { name: signal.name, kind: signal.kind as Exclude<SignalRule["kind"], "new_errors" | "error_budget">, metric: signal.metric, route: signal.route, query: signal.query },
      service: input.service, environment: input.environment, version, hosts: w.hosts && [...w.hosts], excludeHosts: w.excludeHosts && [...w.excludeHosts],
      start: w.start, end: w.end, stepSeconds: 60,
    });
    const b = input.rule.baseline;
    const historyMinutes = signal.kind === "error_rate" && b.kind === "before_deploy" ? b.history_minutes : 0;
    const history = { ...baseline, start: baseline.start - historyMinutes * 60_000, end: baseline.start };
    const call = (q: SourceQuery) => callSource(source, q, this.policy);
    const [bs, cs, hs] = await Promise.allSettled([
      call(query(baseline)),
      call(query(candidate, input.version)),
      historyMinutes > 0 ? call(query(history)) : Promise.resolve(undefined),
    ]);
    // An outage outweighs an empty window: it is what the team must hear about.
    const failed = [bs, cs, hs].find((r) => r.status === "rejected" && !(r.reason instanceof NoDataError));
    if (failed?.status === "rejected") {
      const message = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      const verb = failed.reason instanceof SourceError && message.startsWith("did not answer") ? "" : "failed: ";
      return { kind: "outage", reason: this.sources.scrub(`${label} ${verb}${message}`) };
    }
    if (bs.status === "rejected" || cs.status === "rejected") {
      const [window, err] = bs.status === "rejected" ? ["the baseline window", bs.reason as Error] : ["the analysis window", (cs as PromiseRejectedResult).reason as Error];
      return { kind: "data", data: { kind: "missing", why: this.sources.scrub(`${label} found no data for ${window} (${err.message})`) } };
    }
    // No history is no loss: the rate test then allows for the baseline's own spread only.
    const past = hs.status === "fulfilled" && hs.value ? { series: hs.value, start: history.start, end: history.end } : undefined;
    const baselineMinutes = Math.round((baseline.end - baseline.start) / 60_000);
    const data = pairSeries(signal.kind, { baseline: bs.value, candidate: cs.value, history: past, baselineMinutes });
    const note = signal.kind === "error_rate" && findsErrorKinds(source) ? await this.newKinds(source, query(candidate, input.version), query(baseline)) : undefined;
    return { kind: "data", data, ...(note ? { note } : {}) };
  }

  /** "3 new kinds of error appeared after this release: …", or nothing: the sentence only adds to a verdict, never decides one. */
  private async newKinds(source: ErrorKindFinder, candidate: SourceQuery, baseline: SourceQuery): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, this.policy.timeoutMs, undefined)));
    try {
      const found = await Promise.race([source.newErrorKinds(candidate, baseline), timeout]);
      return found && found.kinds.length > 0 ? this.sources.scrub(describeNewErrorKinds(found)) : undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
