import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const FIXTURES = new URL("../../fixtures/datadog/", import.meta.url).pathname;

/** What the client sent, as Datadog would see it. */
export interface Captured {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string; mimeType?: string } };
}

/** The recorded response of a cassette (Polly.js HAR under test/fixtures/datadog/cassettes/), entry `index`. */
export function cassette(name: string, index = 0): Answer & { request: { method: string; path: string } } {
  const har = JSON.parse(readFileSync(`${FIXTURES}cassettes/${name}/recording.har`, "utf8")) as { log: { entries: HarEntry[] } };
  const entry = har.log.entries[index];
  if (!entry) throw new Error(`cassette ${name} has no entry ${index}`);
  const url = new URL(entry.request.url);
  return {
    status: entry.response.status,
    body: entry.response.content.text ?? "",
    headers: { "content-type": entry.response.content.mimeType ?? "application/json" },
    request: { method: entry.request.method, path: url.pathname },
  };
}

/** One of our own examples (test/fixtures/datadog/examples/), written from Datadog's API reference where no recording exists. */
export function example(file: string, status = 200): Answer {
  return { status, body: readFileSync(`${FIXTURES}examples/${file}`, "utf8"), headers: { "content-type": "application/json" } };
}

/**
 * A local stand-in for api.datadoghq.com: answers each `METHOD /path` from its queue of answers (the last one repeats),
 * or with `pick` when the answer depends on the request; records every request.
 */
export class ReplayServer {
  readonly requests: Captured[] = [];
  private readonly routes = new Map<string, Answer[] | ((req: Captured) => Answer)>();
  private server: Server | undefined;
  url = "";

  answer(method: string, path: string, ...answers: Answer[]): this {
    this.routes.set(`${method} ${path}`, answers);
    return this;
  }

  pick(method: string, path: string, choose: (req: Captured) => Answer): this {
    this.routes.set(`${method} ${path}`, choose);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.routes.clear();
  }

  sent(method: string, path: string): Captured[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const captured: Captured = { method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        this.requests.push(captured);
        const route = this.routes.get(`${captured.method} ${captured.path}`);
        const answer = typeof route === "function" ? route(captured) : route && route.length > 1 ? route.shift() : route?.[0];
        const a = answer ?? { status: 404, body: '{"errors":["not recorded"]}' };
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
          res.end(a.body);
        }, a.delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
