import { describe, expect, it } from "vitest";
import { loadDefinitions } from "../../src/dashboard/definitions/definition-loader.ts";
import { toKibanaObjects, toNdjson } from "../../src/dashboard/definitions/kibana-export.ts";

const REPO_DASHBOARDS = new URL("../../dashboards", import.meta.url).pathname;
const loaded = loadDefinitions(REPO_DASHBOARDS);
const definition = (name: string) => (loaded.ok ? loaded.definitions.find((d) => d.name === name)! : undefined)!;

interface SavedObject { type: string; id: string; attributes: any; references: { type: string; id: string; name: string }[] }

function parseNdjson(text: string): SavedObject[] {
  expect(text.endsWith("\n")).toBe(true);
  return text.trimEnd().split("\n").map((line, i) => {
    const o = JSON.parse(line);
    expect(Object.keys(o).sort(), `line ${i + 1}`).toEqual(["attributes", "coreMigrationVersion", "id", "references", "type", "typeMigrationVersion"]);
    return o as SavedObject;
  });
}

/** The checks Kibana's import makes or relies on, written from its saved-objects format (see docs/dashboards.md). */
function problemsIn(objects: SavedObject[]): string[] {
  const problems: string[] = [];
  const byKey = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));
  if (byKey.size !== objects.length) problems.push("ids are not unique");
  const ref = (o: SavedObject, name: string) => o.references.find((r) => r.name === name);
  for (const o of objects) {
    for (const r of o.references) if (!byKey.has(`${r.type}:${r.id}`)) problems.push(`${o.id}: reference ${r.name} → ${r.type}:${r.id} is not in the file`);
    if (new Set(o.references.map((r) => r.name)).size !== o.references.length) problems.push(`${o.id}: reference names repeat`);
    if (typeof o.attributes.title !== "string" || o.attributes.title === "") problems.push(`${o.id}: no title`);
    if (o.type === "index-pattern" && !o.attributes.timeFieldName) problems.push(`${o.id}: no timeFieldName`);
    if (o.type === "search") {
      const source = JSON.parse(o.attributes.kibanaSavedObjectMeta.searchSourceJSON);
      if (!ref(o, source.indexRefName)) problems.push(`${o.id}: indexRefName ${source.indexRefName} has no reference`);
    }
    if (o.type === "lens") {
      if (o.attributes.visualizationType !== "lnsXY") problems.push(`${o.id}: visualizationType ${o.attributes.visualizationType}`);
      const layers = o.attributes.state.datasourceStates.formBased.layers as Record<string, { columns: Record<string, any>; columnOrder: string[] }>;
      for (const [layerId, layer] of Object.entries(layers)) {
        if (!ref(o, `indexpattern-datasource-layer-${layerId}`)) problems.push(`${o.id}: layer ${layerId} has no data view reference`);
        if ([...layer.columnOrder].sort().join() !== Object.keys(layer.columns).sort().join()) problems.push(`${o.id}: columnOrder differs from columns`);
        for (const [colId, col] of Object.entries(layer.columns)) {
          for (const r of col.references ?? []) if (!layer.columns[r]) problems.push(`${o.id}: column ${colId} references missing ${r}`);
          if (!col.operationType || !col.dataType || !col.label) problems.push(`${o.id}: column ${colId} incomplete`);
        }
      }
      for (const l of o.attributes.state.visualization.layers) {
        if (l.layerType === "data") {
          for (const acc of [l.xAccessor, ...l.accessors]) if (!layers[l.layerId]?.columns[acc]) problems.push(`${o.id}: accessor ${acc} is not a column`);
        } else if (l.layerType === "annotations") {
          if (!ref(o, `xy-visualization-layer-${l.layerId}`)) problems.push(`${o.id}: annotation layer ${l.layerId} has no data view reference`);
          for (const a of l.annotations) if (a.type !== "query" || a.filter?.type !== "kibana_query" || !a.timeField) problems.push(`${o.id}: annotation ${a.id} incomplete`);
        } else problems.push(`${o.id}: unknown layer type ${l.layerType}`);
      }
    }
    if (o.type === "dashboard") {
      const panels = JSON.parse(o.attributes.panelsJSON) as any[];
      for (const p of panels) {
        const r = ref(o, `${p.panelIndex}:${p.panelRefName}`);
        if (!r) problems.push(`${o.id}: panel ${p.panelIndex} (${p.panelRefName}) has no reference`);
        else if (r.type !== p.type) problems.push(`${o.id}: panel ${p.panelIndex} is a ${p.type} but references a ${r.type}`);
        if (p.gridData.i !== p.panelIndex || p.gridData.x + p.gridData.w > 48) problems.push(`${o.id}: panel ${p.panelIndex} grid`);
      }
      if (o.references.length !== panels.length) problems.push(`${o.id}: ${o.references.length} references for ${panels.length} panels`);
      JSON.parse(o.attributes.optionsJSON);
      JSON.parse(o.attributes.kibanaSavedObjectMeta.searchSourceJSON);
    }
  }
  return problems;
}

describe("dashboards export --format kibana", () => {
  it("writes saved objects whose every line parses, ids are unique and every reference resolves", () => {
    for (const name of ["default", "payments-team"]) {
      for (const scope of [{}, { service: "payments-api", environment: "prod" }]) {
        const objects = parseNdjson(toNdjson(toKibanaObjects(definition(name), scope)));
        expect(problemsIn(objects)).toEqual([]);
        expect(objects.at(-1)!.type).toBe("dashboard");
      }
    }
  });

  it("finds a broken reference, so the checks above can fail", () => {
    const objects = toKibanaObjects(definition("default")) as unknown as SavedObject[];
    objects.splice(1, 1);
    expect(problemsIn(objects)).toEqual(expect.arrayContaining([expect.stringMatching(/reference xy-visualization-layer-deploy-guard-events → index-pattern:deploy-guard-default-events is not in the file/)]));
  });

  it("lays the panels out in the definition's order: the board full width, then charts two a row", () => {
    const objects = toKibanaObjects(definition("default"), { service: "checkout" }) as unknown as SavedObject[];
    const dashboard = objects.at(-1)!;
    expect(dashboard).toMatchObject({ id: "deploy-guard-default-checkout", attributes: { title: "Release health: checkout", timeFrom: "now-24h", timeRestore: true } });
    const panels = JSON.parse(dashboard.attributes.panelsJSON);
    const titles = panels.map((p: any) => objects.find((o) => o.id === dashboard.references.find((r) => r.name === `${p.panelIndex}:panel_${p.panelIndex}`)!.id)!.attributes.title);
    expect(titles).toEqual(["Releases", "Failed requests", "Slowest requests (95th percentile)", "Deploys and verdicts", "Capacity"]);
    expect(panels.map((p: any) => [p.type, p.gridData.x, p.gridData.y, p.gridData.w])).toEqual([
      ["search", 0, 0, 48], ["lens", 0, 12, 24], ["lens", 24, 12, 24], ["lens", 0, 24, 24], ["lens", 24, 24, 24],
    ]);
  });

  it("computes the error rate as Lens' formula over the errors KQL, with deploy-guard's events as annotations", () => {
    const objects = toKibanaObjects(definition("default"), { service: "checkout" }) as unknown as SavedObject[];
    const errors = objects.find((o) => o.id === "deploy-guard-default-checkout-error_rate")!;
    const columns = errors.attributes.state.datasourceStates.formBased.layers.data.columns;
    expect(columns.value.params.formula).toBe("count(kql='http.response.status_code >= 500') / count()");
    expect(columns.valueX0).toMatchObject({ operationType: "count", filter: { query: "http.response.status_code >= 500", language: "kuery" } });
    expect(columns.valueX2.params.tinymathAst).toMatchObject({ name: "divide", args: ["valueX0", "valueX1"] });
    expect(errors.attributes.state.query).toEqual({ query: 'service.name : "checkout"', language: "kuery" });
    const annotations = errors.attributes.state.visualization.layers[1];
    expect(annotations.annotations[0]).toMatchObject({ type: "query", timeField: "@timestamp", filter: { type: "kibana_query", query: 'service.name : "checkout"', language: "kuery" } });
    expect(errors.references).toEqual(expect.arrayContaining([{ type: "index-pattern", id: "deploy-guard-default-checkout-events", name: "xy-visualization-layer-deploy-guard-events" }]));
    const events = objects.find((o) => o.id === "deploy-guard-default-checkout-events")!;
    expect(events.attributes).toMatchObject({ title: "deploy-guard-events*", timeFieldName: "@timestamp" });
    const latency = objects.find((o) => o.id === "deploy-guard-default-checkout-latency")!;
    expect(latency.attributes.state.datasourceStates.formBased.layers.data.columns.value).toMatchObject({ operationType: "percentile", sourceField: "event.duration", params: { percentile: 95 } });
  });

  it("quotes a service name in KQL and keeps a team's glob a wildcard", () => {
    const quoted = toKibanaObjects(definition("default"), { service: 'a"b\\c' }) as unknown as SavedObject[];
    expect(quoted.find((o) => o.type === "lens")!.attributes.state.query.query).toBe('service.name : "a\\"b\\\\c"');
    const team = toKibanaObjects(definition("payments-team")) as unknown as SavedObject[];
    expect(JSON.parse(team.find((o) => o.type === "search")!.attributes.kibanaSavedObjectMeta.searchSourceJSON).query.query).toBe("service.name : payments-*");
  });
});
