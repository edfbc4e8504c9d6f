import { createRequire } from "node:module";
import type { errors } from "@elastic/elasticsearch";
import type MockModule from "@elastic/elasticsearch-mock";
import pino from "pino";
import { loadConfig, type Config } from "../../../src/config.ts";
import type { ClientOptions } from "../../../src/sources/elasticsearch/elasticsearch-client.ts";
import { createElasticsearchSource, type ElasticsearchSource } from "../../../src/sources/elasticsearch/elasticsearch-source.ts";
import type { SourceQuery } from "../../../src/sources/source.ts";

const require = createRequire(import.meta.url);
/** The mock is CommonJS (its typings say ESM default): loaded as such, with the client build it recognises errors of. */
export type ClientMock = MockModule.default;
export const Mock = require("@elastic/elasticsearch-mock") as typeof MockModule.default;
export const esErrors = (require("@elastic/elasticsearch") as { errors: typeof errors }).errors;
/** The mock's connection class is typed from the CommonJS build, the client's option from the ESM one: same class at run time. */
export const connectionOf = (mock: ClientMock) => mock.getConnection() as unknown as NonNullable<ClientOptions["Connection"]>;

export const API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
export const T0 = Date.parse("2026-11-21T10:00:00Z");

export function esConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ DEPLOY_GUARD_ES_URL: "http://es.internal:9200", DEPLOY_GUARD_ES_API_KEY: API_KEY, DEPLOY_GUARD_ES_MAX_RETRIES: "2", DEPLOY_GUARD_LOG_LEVEL: "silent", ...env });
}

/** The real client, talking to @elastic/elasticsearch-mock; `requests` records every body the client sent. */
export function mockedSource(env: Record<string, string> = {}): { mock: ClientMock; source: ElasticsearchSource; requests: { method: string; path: string; body: unknown }[] } {
  const mock = new Mock();
  const requests: { method: string; path: string; body: unknown }[] = [];
  const source = createElasticsearchSource(esConfig(env), { Connection: connectionOf(mock) })!;
  const record = mock.add.bind(mock);
  // find-my-way reads "*" as a wildcard, so index patterns are routed as ":index" and read back from the path.
  mock.add = (pattern, fn) => record(pattern, (params) => {
    requests.push({ method: params.method as string, path: params.path as string, body: params.body });
    return fn(params);
  });
  return { mock, source, requests };
}

export const silentLogger = () => pino({ level: "silent" });

export const query = (over: Omit<Partial<SourceQuery>, "signal"> & { signal?: Partial<SourceQuery["signal"]> } = {}): SourceQuery => ({
  service: "checkout",
  environment: "production",
  start: T0,
  end: T0 + 5 * 60_000,
  stepSeconds: 60,
  ...over,
  signal: { name: "error_rate", kind: "error_rate", query: { index: "logs-checkout-*" }, ...over.signal },
});
