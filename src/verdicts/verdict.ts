import type { CheckStatus, Classification, NoDataPolicy } from "../analysis/signal-result.ts";
import type { VerdictStatus } from "../analysis/score.ts";
import type { DesignKind, SequentialStatus } from "../analysis/sequential/sequential-types.ts";

export interface CheckNumbers {
  value: number | null;
  n: number;
}

/** When a failing signal changed, and which deploy or batch it follows. */
export interface Onset {
  at: string;
  before: number;
  after: number;
  p_value: number;
  /** The deploy id, or "deployId#batch", the change follows; null when no deploy explains it. */
  follows: string | null;
  reason: string;
  /** Another service's deploy, naming no hosts, came as close and its signal changed too: either may be the cause. */
  ambiguous?: boolean;
}

/** One signal's judgement, as stored with the release and shown by the API and the dashboard. */
export interface Check {
  signal: string;
  kind: string;
  status: CheckStatus;
  classification: Classification;
  critical: boolean;
  weight: number;
  no_data_policy: NoDataPolicy;
  baseline: CheckNumbers;
  candidate: CheckNumbers;
  change: { relative: number | null; absolute: number | null; ci_low: number | null; ci_high: number | null };
  p_value: number | null;
  q_value: number | null;
  method: string | null;
  reason: string;
  details: Record<string, number>;
  onset?: Onset;
  /** Set aside for this release by an operator (issue 12): shown, never counted. */
  skipped?: { by: string; at: string };
  /** A signal in observe mode: judged and shown, never fails or holds the release. */
  observe?: boolean;
  /** Sequential signals: how the signal stands, which comparison judged it, and over how many minutes. */
  sequential?: {
    status: SequentialStatus;
    design: DesignKind;
    design_reason: string;
    low_assurance: boolean;
    minutes_used: number;
    max_minutes: number;
    interval_level: number;
    history_frequency: number | null;
    /** rule.pool_environments: the other environments whose counts of this version were summed with this one's. */
    pooled_with?: string[];
  };
}

/** Records of the verdict's windows that arrived after their minute closed (backfill), and the tokens that wrote them. */
export interface LateData {
  records: number;
  /** Of every record in the windows, 0–1. */
  share: number;
  tokens: { id: string; name: string; records: number }[];
}

export interface Verdict {
  /** `analyzing` for an interim verdict of the sequential engine: no signal is decisive yet. */
  status: VerdictStatus | "analyzing";
  score: number | null;
  summary: string;
  checks: Check[];
  rule: string;
  final: boolean;
  windows: { baseline: { start: string | null; end: string | null; label: string }; analysis: { start: string; end: string } };
  evaluated_at: string;
  /** While analyzing: when every signal will have decided at the latest, and when the next look is due. */
  decide_by?: string;
  next_look_at?: string;
  /** A rule in observe mode: the release passes, and `would_have` is what an enforcing rule would have said. */
  observe?: boolean;
  would_have?: VerdictStatus | "analyzing";
  /** Final verdicts: how much of the data arrived late, and from which tokens (src/verdicts/late-data-stage.ts). */
  late_data?: LateData;
}

/** A verdict the release ends with: decided, never `analyzing`. */
export type FinalVerdict = Verdict & { status: VerdictStatus };

export const isFinal = (v: Verdict): v is FinalVerdict => v.final && v.status !== "analyzing";
