import type { AnyValue, Int64, KeyValue, Resource } from "./otlp-types.ts";

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export const toNumber = (v: Int64 | undefined | null): number =>
  v === undefined || v === null ? 0 : typeof v === "number" ? v : typeof v === "string" ? Number(v) : v.toNumber();

/** Unix nanoseconds to epoch milliseconds (a double holds nanoseconds to about 256 ns today: plenty for a minute). */
export const nanosToMs = (v: Int64 | undefined | null): number => Math.floor(toNumber(v) / 1e6);

/** An attribute value as deploy-guard stores it: scalars as they are, arrays and maps as JSON. */
export function plain(v: AnyValue | null | undefined): string | number | boolean | undefined {
  if (!v) return undefined;
  if (own(v, "stringValue")) return v.stringValue;
  if (own(v, "boolValue")) return v.boolValue;
  if (own(v, "intValue")) return toNumber(v.intValue);
  if (own(v, "doubleValue")) return v.doubleValue;
  if (own(v, "arrayValue")) return JSON.stringify((v.arrayValue?.values ?? []).map(plain));
  if (own(v, "kvlistValue")) return JSON.stringify(attributes(v.kvlistValue?.values ?? []));
  if (own(v, "bytesValue")) return Buffer.from(v.bytesValue ?? []).toString("base64");
  return undefined;
}

export function attributes(list: readonly KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of list ?? []) {
    const v = plain(kv.value);
    if (v !== undefined) out[kv.key] = v;
  }
  return out;
}

/** The first of `keys` that is set, as a string. */
export function text(attrs: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) if (attrs[k] !== undefined && attrs[k] !== "") return String(attrs[k]);
  return undefined;
}

/** The first of `keys` that holds a whole number (semantic conventions allow int or its string). */
export function integer(attrs: Record<string, unknown>, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const n = typeof attrs[k] === "string" ? Number(attrs[k]) : attrs[k];
    if (typeof n === "number" && Number.isInteger(n)) return n;
  }
  return undefined;
}

/** Who sent a record, from its resource: the fields every deploy-guard record carries. */
export interface Origin {
  service: string | undefined;
  environment: string | undefined;
  version: string | undefined;
  host: string | undefined;
}

export function originOf(resource: Resource | null | undefined): Origin {
  const a = attributes(resource?.attributes);
  return {
    service: text(a, "service.name"),
    // deployment.environment.name since semantic conventions 1.27; the older key is still what many SDKs send.
    environment: text(a, "deployment.environment.name", "deployment.environment"),
    version: text(a, "service.version"),
    host: text(a, "host.name"),
  };
}

/** A record in the shape POST /api/v1/logs and /metrics take, so the same validators check it. */
export const withOrigin = (o: Origin) => ({ service: o.service, environment: o.environment, version: o.version, host: o.host });
