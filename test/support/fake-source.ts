import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig, type Config } from "../../src/config.ts";
import { createContainer, type Container } from "../../src/container.ts";
import { createApp, type Router } from "../../src/http/app.ts";
import { NoDataError, SourceError, type MetricSource, type SourceHealth, type SourceKind, type SourceQuery, type SourceSeries } from "../../src/sources/source.ts";
import { ADMIN_TOKEN } from "./test-service.ts";

/** What the fake does on one call: answer with its data, hang until aborted, fail, or find nothing. */
export type FakeStep = "answer" | "hang" | "nodata" | { fail: string; retryable: boolean };

/**
 * A real MetricSource that answers from a function of the query, after any scripted steps (failures, hangs), and
 * records every query it was asked — so tests assert on what a source would see.
 */
export class FakeSource implements MetricSource {
  readonly queries: SourceQuery[] = [];
  healthChecks = 0;
  private readonly steps: FakeStep[] = [];
  private always: FakeStep | undefined;
  healthAnswer: () => Promise<SourceHealth> = async () => ({ ok: true, detail: "ok (3 ms)" });

  constructor(
    readonly kind: SourceKind,
    private readonly data: (q: SourceQuery) => SourceSeries | Promise<SourceSeries>,
  ) {}

  /** The next calls, in order; afterwards the fake answers (or keeps doing `always`). */
  then(...steps: FakeStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  keep(step: FakeStep | undefined): this {
    this.always = step;
    return this;
  }

  async query(q: SourceQuery): Promise<SourceSeries> {
    this.queries.push(q);
    const step = this.steps.shift() ?? this.always ?? "answer";
    if (step === "answer") return this.data(q);
    if (step === "nodata") throw new NoDataError(this.kind, "no series matched");
    if (step === "hang") {
      return new Promise((_, reject) => q.abort?.addEventListener("abort", () => reject(new Error("aborted"))));
    }
    throw new SourceError(this.kind, step.fail, step.retryable);
  }

  health(): Promise<SourceHealth> {
    this.healthChecks++;
    return this.healthAnswer();
  }
}

/** Error and request counts per minute of the query's window; the candidate's version (when given) at its own rate. */
export function countsPerMinute(requests: number, errorRate: (q: SourceQuery) => number) {
  return (q: SourceQuery): SourceSeries => {
    const points = [];
    for (let t = q.start; t < q.end; t += q.stepSeconds * 1000) points.push({ t, events: Math.round(requests * errorRate(q)), exposure: requests });
    return { kind: "counts", points };
  };
}

export interface SourcesService {
  dir: string;
  config: Config;
  container: Container;
  app: Router;
  clock: { now: number };
  request: (method: string, path: string, body?: unknown) => Promise<Response>;
  close: () => void;
}

/** The real container and app on a temporary SQLite file, with these rule files and these sources in place of the real ones. */
export function createServiceWithSources(options: { rules: Record<string, string>; sources: Partial<Record<SourceKind, MetricSource>>; env?: Record<string, string>; now: number }): SourcesService {
  const dir = mkdtempSync(join(tmpdir(), "deploy-guard-sources-"));
  mkdirSync(join(dir, "rules"));
  for (const [name, yaml] of Object.entries(options.rules)) writeFileSync(join(dir, "rules", `${name}.yaml`), yaml);
  const config = loadConfig({
    DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: join(dir, "rules"), DEPLOY_GUARD_API_TOKEN: ADMIN_TOKEN,
    DEPLOY_GUARD_LOG_LEVEL: "silent", DEPLOY_GUARD_DB_SYNC: "normal", ...options.env,
  });
  const clock = { now: options.now };
  const container = createContainer(config, pino({ level: "silent" }), { now: () => clock.now, notifiers: [], sources: options.sources });
  const app = createApp(container);
  return {
    dir, config, container, app, clock,
    request: (method, path, body) =>
      Promise.resolve(app.request(path, {
        method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })),
    close: () => {
      container.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
