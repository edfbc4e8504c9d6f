import type { CheckStatus, Classification, NoDataPolicy } from "../analysis/signal-result.ts";
import type { VerdictStatus } from "../analysis/score.ts";

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
}

export interface Verdict {
  status: VerdictStatus;
  score: number | null;
  summary: string;
  checks: Check[];
  rule: string;
  final: boolean;
  windows: { baseline: { start: string | null; end: string | null; label: string }; analysis: { start: string; end: string } };
  evaluated_at: string;
}
