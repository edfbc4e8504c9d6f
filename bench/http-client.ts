import { Agent, request } from "node:http";
import { generateTraffic, type LogRecord } from "../test/support/traffic.ts";

/**
 * A lean keep-alive HTTP client for benchmarks: undici's fetch tops out near 2,000 requests/s on this machine
 * even against a bare Node server, which would measure the client rather than deploy-guard.
 */
export class BenchClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(base: string, private readonly headers: Record<string, string>) {
    this.url = new URL(base);
  }

  send(method: string, path: string, body?: string, contentType = "application/json"): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...this.headers };
      if (body !== undefined) {
        headers["content-type"] = contentType;
        headers["content-length"] = Buffer.byteLength(body);
      }
      const req = request({ host: this.url.hostname, port: this.url.port, path, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.on("error", reject);
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `fn` over `items`, `concurrency` at a time: that many pipelines calling the service. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * Two requests a minute for svc-0 … svc-19, from before their replayed windows up to `now`: a replayed deploy waits
 * for its telemetry until the minutes after its window have arrived (src/verdicts/verdict-service.ts arrivedEnd).
 */
export function replayCoverage(now: number): LogRecord[] {
  return Array.from({ length: 20 }, (_, i) => generateTraffic({ service: `svc-${i}`, start: now - 320 * 60_000, minutes: 318, perMinute: 2, errorRate: 0.01, latencyMs: 80, seed: 100 + i })).flat();
}
