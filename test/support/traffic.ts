/** A seeded generator of request logs, so tests and benchmarks replay the same traffic every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrafficSpec {
  service: string;
  environment?: string;
  start: number;
  minutes: number;
  perMinute: number;
  errorRate: number;
  /** Median latency in ms; latencies are log-normal around it. */
  latencyMs: number;
  version?: string;
  hosts?: string[];
  seed: number;
}

export interface LogRecord {
  timestamp: number;
  service: string;
  environment: string;
  host: string;
  version?: string;
  status: number;
  latency_ms: number;
  route: string;
}

export function generateTraffic(spec: TrafficSpec): LogRecord[] {
  const rnd = mulberry32(spec.seed);
  const hosts = spec.hosts ?? ["web-1", "web-2"];
  const out: LogRecord[] = [];
  for (let m = 0; m < spec.minutes; m++) {
    for (let i = 0; i < spec.perMinute; i++) {
      const u1 = Math.max(rnd(), 1e-12), u2 = rnd();
      const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      out.push({
        timestamp: spec.start + m * 60_000 + Math.floor((i / spec.perMinute) * 60_000),
        service: spec.service,
        environment: spec.environment ?? "production",
        host: hosts[i % hosts.length]!,
        ...(spec.version ? { version: spec.version } : {}),
        status: rnd() < spec.errorRate ? 503 : 200,
        latency_ms: Math.round(spec.latencyMs * Math.exp(0.35 * normal) * 10) / 10,
        route: i % 3 === 0 ? "/checkout" : "/cart",
      });
    }
  }
  return out;
}
