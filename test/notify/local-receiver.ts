import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

export type Answer = { status: number; body?: unknown };

export interface Receiver {
  url: string;
  got: Received[];
  server: Server;
  close: () => Promise<void>;
}

/** A local HTTP server standing in for Slack, HipChat or a webhook consumer: records every request, answers as told. */
export async function startReceiver(answer: (r: Received, index: number) => Answer | Promise<Answer> = () => ({ status: 200, body: "ok" })): Promise<Receiver> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", async () => {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json };
      got.push(r);
      const a = await answer(r, got.length - 1);
      const text = a.body === undefined ? "" : typeof a.body === "string" ? a.body : JSON.stringify(a.body);
      res.writeHead(a.status, typeof a.body === "object" ? { "content-type": "application/json" } : {}).end(a.status === 204 ? undefined : text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, got, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Answers like Slack's Web API: postMessage gives a channel id and a new ts, update echoes them. */
export function slackApiAnswer(r: Received, index: number): Answer {
  if (r.path.endsWith("/chat.postMessage")) return { status: 200, body: { ok: true, channel: "C0PAYMENTS", ts: `1700000000.00${index}100`, message: {} } };
  if (r.path.endsWith("/chat.update")) return { status: 200, body: { ok: true, channel: r.json.channel, ts: r.json.ts, text: r.json.text } };
  return { status: 200, body: { ok: true } };
}
