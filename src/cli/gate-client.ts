export interface GateVerdict {
  release_id: string;
  status: string;
  final: boolean;
  score: number | null;
  summary: string;
  checks: { signal: string; status: string; reason: string }[];
  /** While analyzing: when the verdict is due at the latest. */
  decide_by?: string | null;
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

/** The verdict API as the gate polls it; undefined while the release has not been reported yet. */
export class GateClient {
  private releaseId: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async verdict(target: GateTarget): Promise<GateVerdict | undefined> {
    this.releaseId ??= target.release ?? (await this.find(target));
    if (!this.releaseId) return undefined;
    const base = `/api/v1/releases/${encodeURIComponent(this.releaseId)}`;
    if (target.batch === undefined) return (await this.get(`${base}/verdict`)) as GateVerdict;
    const batches = (await this.get(`${base}/batches`)) as { batches: (GateVerdict & { batch: { index: number } })[] };
    return batches.batches.find((b) => b.batch.index === target.batch);
  }

  /** The pre-deploy gate: may a new deploy of this service start now? */
  async preDeploy(service: string, environment: string): Promise<PreDeployAnswer> {
    const q = new URLSearchParams({ environment });
    return (await this.get(`/api/v1/services/${encodeURIComponent(service)}/gate?${q}`)) as PreDeployAnswer;
  }

  private async find(t: GateTarget): Promise<string | undefined> {
    const q = new URLSearchParams({ service: t.service ?? "", version: t.version ?? "", environment: t.environment, limit: "1" });
    const body = (await this.get(`/api/v1/releases?${q}`)) as { releases: { id: string }[] };
    return body.releases[0]?.id;
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
