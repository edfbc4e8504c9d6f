import type { client, v1, v2 } from "@datadog/datadog-api-client";
import type { DatadogConfig } from "../../config.ts";

type DatadogModule = typeof import("@datadog/datadog-api-client");

/** The parts of the official client deploy-guard uses. */
export interface DatadogApis {
  metrics: v2.MetricsApi;
  logs: v2.LogsApi;
  auth: v1.AuthenticationApi;
  events: v1.EventsApi;
  ApiException: typeof client.ApiException;
  /** A per-call configuration: the call's own timeout and, when given, the caller's abort signal. */
  options: (timeoutMs: number, abort?: AbortSignal) => client.Configuration;
}

let loading: Promise<DatadogModule> | undefined;

// The client loads every model of the API (about 2 s); it is loaded on first use, never at start-up without Datadog.
function load(): Promise<DatadogModule> {
  loading ??= import("@datadog/datadog-api-client").then((m) => {
    // Its own logger prints failed requests to the console; we log them ourselves, once and without secrets.
    m.logger.setLevel("silent");
    return m;
  });
  return loading;
}

function configuration(m: DatadogModule, dd: DatadogConfig, timeoutMs: number, abort?: AbortSignal): client.Configuration {
  const fetchWithTimeout = (url: string, init: RequestInit) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(url, { ...init, signal: abort ? AbortSignal.any([timeout, abort]) : timeout });
  };
  // baseServer replaces the site's server list, so the target is ours alone (the client would also read DD_SITE).
  return m.client.createConfiguration({
    baseServer: new m.client.BaseServerConfiguration(dd.apiUrl, {}),
    authMethods: { apiKeyAuth: dd.apiKey, appKeyAuth: dd.appKey },
    httpConfig: { compress: false },
    fetch: fetchWithTimeout,
    enableRetry: false,
  });
}

/** The Datadog APIs for one account, built once on first use; the client never retries (enableRetry: false): callSource does. */
export function datadogApis(dd: DatadogConfig): () => Promise<DatadogApis> {
  let apis: Promise<DatadogApis> | undefined;
  return () => {
    apis ??= load().then((m) => {
      const base = configuration(m, dd, dd.timeoutMs);
      return {
        metrics: new m.v2.MetricsApi(base),
        logs: new m.v2.LogsApi(base),
        auth: new m.v1.AuthenticationApi(base),
        events: new m.v1.EventsApi(base),
        ApiException: m.client.ApiException,
        options: (timeoutMs, abort) => configuration(m, dd, timeoutMs, abort),
      };
    });
    return apis;
  };
}

/** The host errors and health lines name, e.g. api.datadoghq.eu. */
export function describeTarget(dd: DatadogConfig): string {
  return new URL(dd.apiUrl).host;
}
