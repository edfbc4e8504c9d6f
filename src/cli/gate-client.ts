export interface GateVerdict {
  release_id: string | null;
  service?: string;
  environment?: string;
  version?: string;
  status: string;
  final: boolean;
  score: number | null;
  summary: string;
  checks: { signal: string; status: string; reason: string }[];
  /** While analyzing: when the verdict is due at the latest. */
  decide_by?: string | null;
  next_look_at?: string | null;
  /** From GET /api/v1/gates/verdict: where the release stands in time, on the server's clock. */
  timing?: GateTiming;
}

/** The server's GateTiming (src/gates/gate-timing.ts), as the gate reads it. */
export interface GateTiming {
  now: string;
  max_minutes: number;
  minutes_of_data: number | null;
  window_ends_at: string | null;
  decision_expected_by: string | null;
  next_look_at: string | null;
}

export interface PreDeployAnswer {
  status: "pass" | "hold";
  reason: string;
  checks: { check: string; signal: string | null; status: string; reason: string }[];
}

export class GateConnectionError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface GateTarget {
  release?: string | undefined;
  /** Wait for this batch's verdict instead of the release's. */
  batch?: number | undefined;
  service?: string | undefined;
  version?: string | undefined;
  environment: string;
}

/** The verdict API as the gate polls it: the release's gate answer, and a batch's verdict when one is asked for. */
export class GateClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  /** The release's answer (status pending, release_id null, while it has not been reported) with its timing. */
  async release(target: GateTarget): Promise<GateVerdict> {
    const q = target.release !== undefined
      ? new URLSearchParams({ release: target.release })
      : new URLSearchParams({ service: target.service ?? "", version: target.version ?? "", environment: target.environment });
    return (await this.get(`/api/v1/gates/verdict?${q}`)) as GateVerdict;
  }

  /** Batch k of the release's latest deploy; undefined while that batch has not started. */
  async batch(releaseId: string, index: number): Promise<GateVerdict | undefined> {
    const batches = (await this.get(`/api/v1/releases/${encodeURIComponent(releaseId)}/batches`)) as { batches: (GateVerdict & { batch: { index: number } })[] };
    return batches.batches.find((b) => b.batch.index === index);
  }

  /** The pre-deploy gate: may a new deploy of this service start now? */
  async preDeploy(service: string, environment: string): Promise<PreDeployAnswer> {
    const q = new URLSearchParams({ environment });
    return (await this.get(`/api/v1/services/${encodeURIComponent(service)}/gate?${q}`)) as PreDeployAnswer;
  }

  private async get(path: string): Promise<unknown> {
    let url: URL;
    try {
      url = new URL(path, this.baseUrl);
    } catch {
      throw new GateConnectionError(`'${this.baseUrl}' is not a URL`, false);
    }
    let res: Response;
    try {
      res = await fetch(url, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {}, signal: AbortSignal.timeout(15_000) });
    } catch (e) {
      throw new GateConnectionError(`cannot reach ${url.origin}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`, true);
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 300);
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
      } catch { /* not JSON: show the start of the body */ }
      throw new GateConnectionError(`${res.status} from ${url.pathname}: ${detail}`, res.status >= 500);
    }
    return JSON.parse(text) as unknown;
  }
}
