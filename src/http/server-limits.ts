import type { ServerOptions } from "node:http";
import type { ServerType } from "@hono/node-server";

/** Limits on slow or idle clients, so none can hold a socket for Node's default 300 s. */
export interface ServerLimits {
  /** The whole request head must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections past this are refused at once. */
  maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1000 };

/** Node checks the timeouts on an interval (30 s by default); check often enough that a timeout means what it says. */
export function serverOptions(l: ServerLimits): ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(l.headersTimeoutMs / 4))),
  };
}

export function applyConnectionCap(server: ServerType, l: ServerLimits): void {
  (server as { maxConnections: number }).maxConnections = l.maxConnections;
}
