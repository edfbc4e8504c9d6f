import { Client, type BaseConnection } from "@elastic/elasticsearch";
import type { ElasticsearchConfig } from "../../config.ts";

/** Tests pass @elastic/elasticsearch-mock's connection class; production uses the client's own. */
export interface ClientOptions {
  Connection?: typeof BaseConnection;
}

/** The official client with the configured timeout and no retries of its own: callSource (and the events queue) retry. */
export function createElasticsearchClient(es: ElasticsearchConfig, options: ClientOptions = {}): Client {
  return new Client({
    ...("node" in es.target ? { node: es.target.node } : { cloud: { id: es.target.cloudId } }),
    ...(es.auth ? { auth: es.auth } : {}),
    ...(options.Connection ? { Connection: options.Connection } : {}),
    requestTimeout: es.timeoutMs,
    // Its default (3 retries of 502/503/504 and lost connections) would multiply with callSource's: one retry layer.
    maxRetries: 0,
    redaction: { type: "replace" },
    name: "deploy-guard",
  });
}

/** How errors and /readyz name the cluster: the host only, never credentials in a URL's userinfo. */
export function describeTarget(es: ElasticsearchConfig): string {
  if ("cloudId" in es.target) return `Elastic Cloud ${es.target.cloudId.split(":")[0] || "deployment"}`;
  return new URL(es.target.node).host;
}

/** Every configured secret, to scrub from any text that leaves the source (ES error reasons echo request details). */
export function secretsOf(es: ElasticsearchConfig): string[] {
  const values: string[] = [];
  if (es.auth && "apiKey" in es.auth) values.push(es.auth.apiKey);
  if (es.auth && "password" in es.auth) values.push(es.auth.password);
  if ("node" in es.target) {
    const u = new URL(es.target.node);
    if (u.password) values.push(u.password, decodeURIComponent(u.password));
    if (u.username) values.push(u.username);
  }
  return values.filter((v) => v.length >= 3);
}

export function redact(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => t.split(s).join("[redacted]"), text);
}
