import { Agent, request } from "node:http";

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
