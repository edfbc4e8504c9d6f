import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Mock, type ClientMock } from "./es-mock.ts";

export interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * @elastic/elasticsearch-mock's routes served over real HTTP, for a deploy-guard process the test starts: the server
 * cannot take the mock's connection class, so the mock answers behind a local node:http server instead.
 */
export class EsHttpMock {
  readonly mock: ClientMock = new Mock();
  readonly captured: Captured[] = [];
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        const [path = "/", qs = ""] = (req.url ?? "/").split("?");
        const ndjson = (req.headers["content-type"] ?? "").includes("x-ndjson");
        const body = raw === "" ? null : ndjson ? raw.split("\n").filter(Boolean).map((l) => JSON.parse(l) as unknown) : (JSON.parse(raw) as unknown);
        const params = { method: req.method ?? "GET", path: decodeURIComponent(path), body: body as Record<string, unknown>, querystring: Object.fromEntries(new URLSearchParams(qs)) };
        this.captured.push({ method: params.method, path: params.path, headers: req.headers, body });
        const resolver = this.mock.get(params);
        const answer = resolver ? resolver(params) : { error: "Mock not found" };
        res.writeHead(resolver ? 200 : 404, { "content-type": "application/json", "x-elastic-product": "Elasticsearch" });
        res.end(typeof answer === "string" ? answer : JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  sent(method: string, path: string): Captured[] {
    return this.captured.filter((c) => c.method === method && c.path === path);
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
