import type { WindowReader, WindowQuery, RequestWindow, MetricWindow } from "../telemetry/window-reader.ts";

/** The source behind pushed telemetry: reads release windows from our own per-minute roll-ups. */
export class BuiltinSource {
  readonly kind = "builtin" as const;

  constructor(private readonly reader: WindowReader) {}

  requests(q: WindowQuery): RequestWindow {
    return this.reader.requests(q);
  }

  requestCounts(q: WindowQuery): Map<number, { requests: number; errors: number }> {
    return this.reader.requestCounts(q);
  }

  requestsByRoute(q: WindowQuery): Map<string, RequestWindow> {
    return this.reader.requestsByRoute(q);
  }

  metric(name: string, q: WindowQuery): MetricWindow {
    return this.reader.metric(name, q);
  }
}
