import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createPrometheusSource } from "../../../src/sources/prometheus/prometheus-source.ts";
import { callSource } from "../../../src/sources/source-call.ts";
import { SourceError, type SourceQuery } from "../../../src/sources/source.ts";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  form: Record<string, string>;
}

const TOKEN = "prom-token-4f8a9c2e7d1b";
const T0 = Date.UTC(2026, 10, 21, 10, 0);
const matrix = (values: [number, string][][]) => JSON.stringify({ status: "success", data: { resultType: "matrix", result: values.map((v, i) => ({ metric: { instance: `web-${i}` }, values: v })) } });

let server: Server;
let url: string;
let seen: Seen[] = [];
let replies: { status: number; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, form: Object.fromEntries(new URLSearchParams(body)) });
      const reply = replies.shift() ?? { status: 500, body: "no reply scripted" };
      res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  seen = [];
  replies = [];
});

const latency: SourceQuery = {
  signal: { name: "latency_p95", kind: "latency", query: { value: 'max(p95_ms{service="{{service}}",instance=~"{{hosts}}"})' } },
  service: 'check"out', environment: "production", hosts: ["web-1.eu"], start: T0, end: T0 + 3 * 60_000, stepSeconds: 60,
};
const source = (env: Record<string, string> = {}) =>
  createPrometheusSource(loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: `${url}/prom/`, ...env }))!;

describe("the Prometheus source over HTTP", () => {
  it("posts the rendered PromQL to query_range one step late, with the bearer token, and aligns points to interval starts", async () => {
    const s = T0 / 1000;
    replies.push({ status: 200, body: matrix([[[s + 60, "120.5"], [s + 120, "NaN"], [s + 180, "130"]]]) });
    const series = await source({ DEPLOY_GUARD_PROMETHEUS_TOKEN: TOKEN }).query(latency);
    expect(seen).toEqual([{
      method: "POST", path: "/prom/api/v1/query_range", headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}`, "content-type": "application/x-www-form-urlencoded" }),
      form: { query: 'max(p95_ms{service="check\\"out",instance=~"(?:web-1\\\\.eu)"})', start: String(s + 60), end: String(s + 180), step: "60" },
    }]);
    expect(series).toEqual({ kind: "values", points: [{ t: T0, value: 120.5 }, { t: T0 + 120_000, value: 130 }] });
  });

  it("sums the series of a count query and rounds extrapolated counts to whole requests", async () => {
    const s = T0 / 1000;
    replies.push({ status: 200, body: matrix([[[s + 60, "2.4"]], [[s + 60, "0.9"], [s + 120, "1"]]]) });
    replies.push({ status: 200, body: matrix([[[s + 60, "100.2"], [s + 120, "50"]], [[s + 60, "99.9"], [s + 120, "50"]]]) });
    const series = await source().query({ ...latency, hosts: undefined, signal: { name: "errors", kind: "error_rate", query: { errors: "e", requests: "r" } } });
    expect(series).toEqual({ kind: "counts", points: [{ t: T0, events: 3, exposure: 200 }, { t: T0 + 60_000, events: 1, exposure: 100 }] });
  });

  it("sends basic auth when a user is configured", async () => {
    replies.push({ status: 200, body: matrix([[[T0 / 1000 + 60, "1"]]]) });
    await source({ DEPLOY_GUARD_PROMETHEUS_USERNAME: "guard", DEPLOY_GUARD_PROMETHEUS_PASSWORD: "s3cret-pass" }).query(latency);
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from("guard:s3cret-pass").toString("base64")}`);
  });

  it("asks once and calls a 503 retryable; callSource's retry then gets the answer", async () => {
    const s = source();
    replies.push({ status: 503, body: JSON.stringify({ status: "error", errorType: "timeout", error: "query timed out in expression evaluation" }) });
    expect(await s.query(latency).catch((e: unknown) => e)).toMatchObject({ retryable: true, message: expect.stringContaining("503 timeout: query timed out") });
    expect(seen).toHaveLength(1);
    replies.push({ status: 503, body: "{}" }, { status: 200, body: matrix([[[T0 / 1000 + 60, "7"]]]) });
    expect(await callSource(s, latency, { timeoutMs: 2000, retries: 2, backoffMs: 1 })).toEqual({ kind: "values", points: [{ t: T0, value: 7 }] });
    expect(seen).toHaveLength(3);
  });

  it("a bad gateway on every attempt: retryable, quoting the last answer and how often it was asked", async () => {
    for (let i = 0; i < 3; i++) replies.push({ status: 502, body: "<html>bad gateway</html>" });
    const err = await callSource(source(), latency, { timeoutMs: 2000, retries: 2, backoffMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ retryable: true, message: `signal latency_p95, value: 502 from ${url.slice(7)} (3 attempts)` });
    expect(seen).toHaveLength(3);
  });

  it("does not retry a refused token, and never shows it", async () => {
    replies.push({ status: 401, body: "Unauthorized" });
    const err = await source({ DEPLOY_GUARD_PROMETHEUS_TOKEN: TOKEN }).query(latency).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, message: `signal latency_p95, value: 401 from ${url.slice(7)}: check DEPLOY_GUARD_PROMETHEUS_TOKEN or _USERNAME and _PASSWORD` });
    expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).not.toContain(TOKEN);
    expect(seen).toHaveLength(1);
  });

  it("refuses to run a template without {{hosts}} for a window limited to some hosts, before asking Prometheus", async () => {
    const err = await source().query({ ...latency, signal: { ...latency.signal, query: { value: "max(p95_ms)" } } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, message: "signal latency_p95, value: the window is limited to some hosts but the query has no {{hosts}} placeholder" });
    expect(seen).toHaveLength(0);
  });

  it("refuses a query block that does not fit the signal kind", async () => {
    const err = await source().query({ ...latency, signal: { ...latency.signal, kind: "error_rate" } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, message: "signal latency_p95: an error_rate signal needs errors and requests queries" });
  });

  it("checks readiness at /-/ready with the credentials and reports the status it got", async () => {
    replies.push({ status: 503, body: "Service Unavailable" });
    expect(await source({ DEPLOY_GUARD_PROMETHEUS_TOKEN: TOKEN }).health()).toEqual({ ok: false, detail: `503 from ${url.slice(7)}` });
    expect(seen[0]).toMatchObject({ method: "GET", path: "/prom/-/ready", headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}` }) });
  });

  it("stops at the configured timeout and calls it retryable", async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const port = (slow.address() as AddressInfo).port;
    try {
      const config = loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: `http://127.0.0.1:${port}`, DEPLOY_GUARD_PROMETHEUS_TIMEOUT_MS: "200" });
      const err = await createPrometheusSource(config)!.query(latency).catch((e: unknown) => e);
      expect(err).toMatchObject({ retryable: true, message: `signal latency_p95, value: 127.0.0.1:${port} timed out after 200 ms` });
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });
});
