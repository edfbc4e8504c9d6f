import { describe, expect, it } from "vitest";
import { datadogQueryKindIssue, datadogQuerySchema } from "../../../src/sources/datadog/query-schema.ts";
import { renderQuery } from "../../../src/sources/datadog/query-template.ts";
import type { SourceQuery } from "../../../src/sources/source.ts";

const q = (over: Partial<SourceQuery>): SourceQuery => ({
  signal: { name: "s", kind: "error_rate" }, service: "checkout", environment: "production", start: 0, end: 60_000, stepSeconds: 60, ...over,
});

describe("Datadog query templates", () => {
  it("turns a service name into the tag Datadog stores, so it cannot close the filter or add a term", () => {
    const rendered = renderQuery("sum:hits{service:{{service}},env:{{environment}}}", q({ service: "a} OR service:b", environment: "Prod EU" }), "metric");
    expect(rendered).toBe("sum:hits{service:a__or_service:b,env:prod_eu}");
  });

  it("quotes log search values and escapes quotes and backslashes inside them", () => {
    const rendered = renderQuery("service:{{service}} version:{{version}}", q({ service: 'x" OR service:"y\\', version: "1.0 beta" }), "log");
    expect(rendered).toBe('service:"x\\" OR service:\\"y\\\\" version:"1.0 beta"');
  });

  it("renders {{hosts}} as an OR of hosts, an AND of exclusions, or any host", () => {
    expect(renderQuery("{{hosts}}", q({ hosts: ["web-1", "web-2"] }), "metric")).toBe("(host:web-1 OR host:web-2)");
    expect(renderQuery("{{hosts}}", q({ excludeHosts: ["web-1", "web-2"] }), "log")).toBe('(NOT host:"web-1" AND NOT host:"web-2")');
    expect(renderQuery("{{ hosts }}", q({}), "metric")).toBe("host:*");
  });

  it("reads any version when the window is not one release's", () => {
    expect(renderQuery("version:{{version}}", q({ version: undefined }), "log")).toBe("version:*");
    expect(renderQuery("version:{{version}}", q({ version: "V1.2" }), "metric")).toBe("version:v1.2");
  });
});

describe("Datadog query block", () => {
  it("accepts each of the three forms, defaulting the log indexes", () => {
    expect(datadogQuerySchema.parse({ errors: "a{{service}}", requests: "b" })).toEqual({ errors: "a{{service}}", requests: "b" });
    expect(datadogQuerySchema.parse({ logs: { errors: "status:error", requests: "*" } })).toEqual({ logs: { errors: "status:error", requests: "*", indexes: ["*"] } });
    expect(datadogQuerySchema.parse({ value: "p95:x{*}" })).toEqual({ value: "p95:x{*}" });
  });

  it("names the problem: mixed forms, a lone errors query, an unknown placeholder", () => {
    const messages = (v: unknown) => datadogQuerySchema.safeParse(v).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages({ value: "a", logs: { errors: "b", requests: "c" } })).toEqual([": give exactly one of: errors + requests (metric queries), logs (log counts), value (one metric query)"]);
    expect(messages({ errors: "a" })).toEqual(["requests: errors and requests go together"]);
    expect(messages({ errors: "a", requests: "b", scale: 1000 })).toEqual(["scale: only with value"]);
    expect(messages({ value: "avg:x{team:{{team}}}" })).toEqual(["value: unknown placeholder {{team}}; use {{service}}, {{environment}}, {{version}}, {{hosts}}"]);
  });

  it("says when a query block does not fit the signal's kind", () => {
    expect(datadogQueryKindIssue("error_rate", { value: "a" })).toMatch(/needs errors \+ requests or logs/);
    expect(datadogQueryKindIssue("latency", { errors: "a", requests: "b" })).toBe("a latency signal needs one metric query (value: …)");
    expect(datadogQueryKindIssue("latency", { value: "p95:a" })).toBeUndefined();
  });
});
