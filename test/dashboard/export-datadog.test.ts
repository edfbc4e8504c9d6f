import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { v1 } from "@datadog/datadog-api-client";
import { describe, expect, it } from "vitest";
import { toDatadogDashboard } from "../../src/dashboard/definitions/datadog-export.ts";
import { loadDefinitions } from "../../src/dashboard/definitions/definition-loader.ts";
import { BIN, ROOT } from "../support/server-process.ts";

const REPO_DASHBOARDS = new URL("../../dashboards", import.meta.url).pathname;
const loaded = loadDefinitions(REPO_DASHBOARDS);
const definition = (name: string) => (loaded.ok ? loaded.definitions.find((d) => d.name === name)! : undefined)!;

/** Every place the client's models did not recognise: extra keys kept aside, or values that fit no type. */
function unrecognised(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unrecognised(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object" || value instanceof Date) return [];
  const o = value as Record<string, unknown>;
  const here = [
    ...(o._unparsed ? [`${path}: unparsed`] : []),
    ...(o.additionalProperties && Object.keys(o.additionalProperties).length > 0 ? [`${path}: unknown ${Object.keys(o.additionalProperties).join(", ")}`] : []),
    ...(value.constructor?.name === "UnparsedObject" ? [`${path}: matches no type`] : []),
  ];
  return [...here, ...Object.entries(o).filter(([k]) => k !== "additionalProperties").flatMap(([k, v]) => unrecognised(v, `${path}.${k}`))];
}

/** Deserialises through the Datadog client's own models (its OpenAPI schema) and serialises back. */
function throughClientModels(body: unknown): { model: v1.Dashboard; back: unknown } {
  const model = v1.ObjectSerializer.deserialize(body, "Dashboard", "") as v1.Dashboard;
  return { model, back: v1.ObjectSerializer.serialize(model, "Dashboard", "") };
}

describe("dashboards export --format datadog", () => {
  it("produces a POST /api/v1/dashboard body that Datadog's client models read whole, losing nothing", () => {
    for (const name of ["default", "payments-team"]) {
      for (const scope of [{}, { service: "checkout", environment: "prod" }]) {
        const body = JSON.parse(JSON.stringify(toDatadogDashboard(definition(name), scope)));
        const { model, back } = throughClientModels(body);
        expect(unrecognised(model)).toEqual([]);
        expect(back).toEqual(body);
      }
    }
  });

  it("orders the widgets as the definition does, with the metric queries filled and deploy events as an overlay", () => {
    const body = toDatadogDashboard(definition("default"), { service: "checkout" });
    expect(body).toMatchObject({ title: "Release health: checkout", layout_type: "ordered", template_variables: [{ name: "env", prefix: "env", defaults: ["*"] }] });
    expect(body.widgets.map((w) => [w.definition.type, w.definition.title])).toEqual([
      ["event_stream", "Releases"], ["timeseries", "Failed requests"], ["timeseries", "Slowest requests (95th percentile)"],
      ["event_timeline", "Deploys and verdicts"], ["timeseries", "Capacity"],
    ]);
    const errors = body.widgets[1]!.definition;
    expect(errors.requests).toEqual([{
      response_format: "timeseries", display_type: "line",
      queries: [
        { data_source: "metrics", name: "errors", query: "sum:trace.http.request.errors{service:checkout,env:$env.value}.as_count()" },
        { data_source: "metrics", name: "requests", query: "sum:trace.http.request.hits{service:checkout,env:$env.value}.as_count()" },
      ],
      formulas: [{ formula: "100 * errors / requests", alias: "Failed requests" }],
    }]);
    expect(errors.events).toEqual([{ q: "tags:deploy-guard service:checkout" }]);
    expect(body.widgets[2]!.definition.requests).toMatchObject([{ queries: [{ query: "p95:trace.http.request{service:checkout,env:$env.value}" }] }]);
    expect(body.widgets[0]!.definition).toMatchObject({ query: "tags:deploy-guard service:checkout", time: { live_span: "1d" } });
  });

  it("leaves service and environment as template variables when none is given, defaulting to the definition's match", () => {
    const body = toDatadogDashboard(definition("payments-team"));
    expect(body.template_variables).toEqual([{ name: "service", prefix: "service", defaults: ["payments-*"] }, { name: "env", prefix: "env", defaults: ["*"] }]);
    expect(body.tags).toEqual(["team:payments"]);
    const orders = body.widgets[1]!.definition;
    expect(orders).toMatchObject({ title: "Orders per minute", time: { live_span: "1d" }, events: [{ q: "tags:deploy-guard service:$service.value" }] });
    expect(orders.requests).toMatchObject([{ queries: [{ name: "orders", query: "sum:orders.completed{service:$service.value,env:$env.value}.as_rate()" }], formulas: [{ formula: "orders * 60" }] }]);
  });

  it("turns a service name into Datadog's tag form, so it cannot change the query", () => {
    const body = toDatadogDashboard(definition("default"), { service: "Check Out}{x", environment: "prod,env:*" });
    const query = (body.widgets[1]!.definition.requests as { queries: { query: string }[] }[])[0]!.queries[0]!.query;
    expect(query).toBe("sum:trace.http.request.errors{service:check_out__x,env:prod_env:_}.as_count()");
    expect(body.widgets[1]!.definition.events).toEqual([{ q: "tags:deploy-guard service:check_out__x" }]);
  });

  it("writes the same JSON to --out from the command line", () => {
    const out = join(mkdtempSync(join(tmpdir(), "dg-export-")), "checkout.json");
    const run = spawnSync(process.execPath, [BIN, "dashboards", "export", "--format", "datadog", "--service", "checkout", "--out", out], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).toContain(`wrote datadog dashboard 'default' to ${out}`);
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(JSON.parse(JSON.stringify(toDatadogDashboard(definition("default"), { service: "checkout" }))));
  });
});
