import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { ADMIN_TOKEN, createTestService, type TestService } from "../../support/test-service.ts";

export interface OtlpService {
  svc: TestService;
  /** http://127.0.0.1:port: what OTEL_EXPORTER_OTLP_ENDPOINT is set to. */
  base: string;
  close: () => Promise<void>;
}

/** The real app on a real port (the SDK's exporters speak HTTP), its clock at the real time the SDK stamps spans with. */
export async function startOtlpService(env: Record<string, string> = {}): Promise<OtlpService> {
  const svc = createTestService({ now: Date.now(), env });
  let server!: ServerType;
  await new Promise<void>((resolve) => (server = serve({ fetch: svc.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    svc, base,
    close: async () => {
      await new Promise((r) => server.close(r));
      await svc.close();
    },
  };
}

/**
 * Builds exporters exactly as a service configured only by the documented environment variables would: they read
 * OTEL_EXPORTER_OTLP_* when constructed, so the variables are set for the construction only (test files share a process).
 */
export function withOtlpEnv<T>(base: string, build: () => T, extra: Record<string, string> = {}, token = ADMIN_TOKEN): T {
  const vars = { OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${token}`, ...extra };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return build();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export const demoResource = (version: string, extra: Record<string, string> = {}): Resource =>
  resourceFromAttributes({
    "service.name": "checkout", "service.version": version, "deployment.environment.name": "staging", "host.name": "web-1", ...extra,
  });

/** What the SDK's exporters report through the OTel diagnostics (a partial success is logged as a warning). */
export function captureDiagnostics(): { warnings: string[]; stop: () => void } {
  const warnings: string[] = [];
  const keep = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { warnings, stop: () => diag.disable() };
}
