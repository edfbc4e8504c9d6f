import type { DashboardDefinition, Panel } from "./definition-schema.ts";
import { lensXy, type KibanaReference } from "./kibana-lens.ts";
import { kibanaMeasureFor, kqlValue, type ExportScope } from "./panel-queries.ts";

/** One line of a Kibana saved-objects NDJSON file (the format of Stack Management → Saved Objects → Import). */
export interface KibanaSavedObject {
  type: "index-pattern" | "lens" | "search" | "dashboard";
  id: string;
  attributes: Record<string, unknown>;
  references: KibanaReference[];
  coreMigrationVersion: string;
  typeMigrationVersion: string;
}

/** The versions these objects' shapes belong to (as Kibana 8.9+ exports them), so import runs no older migration. */
const CORE_VERSION = "8.8.0";
const TYPE_VERSION: Record<KibanaSavedObject["type"], string> = { "index-pattern": "8.0.0", lens: "8.9.0", search: "7.9.3", dashboard: "8.9.0" };
const GRID_COLUMNS = 48;
const PANEL_HEIGHT = 12;

function object(type: KibanaSavedObject["type"], id: string, attributes: Record<string, unknown>, references: KibanaReference[] = []): KibanaSavedObject {
  return { type, id, attributes, references, coreMigrationVersion: CORE_VERSION, typeMigrationVersion: TYPE_VERSION[type] };
}

/** A KQL match on a field: a quoted phrase, or for a glob its wildcard with KQL's special characters escaped. */
function kqlMatch(field: string, value: string): string {
  return value.includes("*") ? `${field} : ${value.replace(/[\\():<>"{}]/g, (c) => `\\${c}`)}` : `${field} : ${kqlValue(value)}`;
}

function scopeKql(d: DashboardDefinition, scope: ExportScope): string {
  const service = scope.service ?? d.match.service;
  const parts = [service === "*" ? undefined : kqlMatch(d.kibana.service_field, service), scope.environment === undefined ? undefined : kqlMatch(d.kibana.environment_field, scope.environment)];
  return parts.filter(Boolean).join(" and ");
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

interface Ids { telemetry: string; events: string; panel: (p: Panel) => string; dashboard: string }

function panelObject(p: Panel, d: DashboardDefinition, ids: Ids, kql: string): KibanaSavedObject {
  const k = d.kibana;
  const annotations = { dataViewId: ids.events, timeField: k.events_time_field, kql };
  if (p.kind === "verdict_board") {
    const searchSource = { query: { query: kql, language: "kuery" }, filter: [], indexRefName: "kibanaSavedObjectMeta.searchSourceJSON.index" };
    return object("search", ids.panel(p), {
      title: p.title, description: p.description ?? "", columns: k.events_columns, sort: [[k.events_time_field, "desc"]],
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(searchSource) },
    }, [{ type: "index-pattern", id: ids.events, name: "kibanaSavedObjectMeta.searchSourceJSON.index" }]);
  }
  const chart = p.kind === "deploy_markers"
    ? lensXy({ title: p.title, description: p.description, measure: { operation: "count" }, dataViewId: ids.events, timeField: k.events_time_field, seriesType: "bar_stacked", scopeKql: kql, annotations })
    : lensXy({ title: p.title, description: p.description, measure: kibanaMeasureFor(p)!, dataViewId: ids.telemetry, timeField: k.time_field, seriesType: "line", scopeKql: kql, annotations });
  return object("lens", ids.panel(p), chart.attributes, chart.references);
}

/** Panels flow left to right, two halves or one full width a row, as the definition orders them. */
function grid(panels: Panel[]): { x: number; y: number; w: number; h: number }[] {
  let x = 0;
  let y = 0;
  return panels.map((p) => {
    const w = p.width === "full" ? GRID_COLUMNS : GRID_COLUMNS / 2;
    if (x + w > GRID_COLUMNS) {
      x = 0;
      y += PANEL_HEIGHT;
    }
    const at = { x, y, w, h: PANEL_HEIGHT };
    x += w;
    return at;
  });
}

/** One definition as Kibana saved objects: two data views, one Lens chart or saved search per panel, the dashboard. */
export function toKibanaObjects(d: DashboardDefinition, scope: ExportScope = {}): KibanaSavedObject[] {
  const prefix = `deploy-guard-${slug(d.name)}${scope.service ? `-${slug(scope.service)}` : ""}${scope.environment ? `-${slug(scope.environment)}` : ""}`;
  const ids: Ids = { telemetry: `${prefix}-telemetry`, events: `${prefix}-events`, panel: (p) => `${prefix}-${p.id}`, dashboard: prefix };
  const kql = scopeKql(d, scope);
  const dataViews = [
    object("index-pattern", ids.telemetry, { title: d.kibana.index, timeFieldName: d.kibana.time_field, name: `deploy-guard telemetry (${d.kibana.index})` }),
    object("index-pattern", ids.events, { title: d.kibana.events_index, timeFieldName: d.kibana.events_time_field, name: `deploy-guard events (${d.kibana.events_index})` }),
  ];
  const panels = d.panels.map((p) => panelObject(p, d, ids, kql));
  const places = grid(d.panels);
  const panelsJson = panels.map((o, i) => {
    const index = String(i + 1);
    return { version: "8.9.0", type: o.type, gridData: { ...places[i]!, i: index }, panelIndex: index, embeddableConfig: { enhancements: {} }, panelRefName: `panel_${index}` };
  });
  const who = scope.service ?? (d.match.service === "*" ? "" : d.match.service);
  const dashboard = object("dashboard", ids.dashboard, {
    title: who ? `${d.title}: ${who}` : d.title,
    description: d.description ?? "",
    panelsJSON: JSON.stringify(panelsJson),
    optionsJSON: JSON.stringify({ useMargins: true, syncColors: false, syncCursor: true, syncTooltips: false, hidePanelTitles: false }),
    timeRestore: true,
    timeFrom: `now-${d.hours}h`,
    timeTo: "now",
    refreshInterval: { pause: false, value: 60_000 },
    kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: "", language: "kuery" }, filter: [] }) },
    version: 1,
  }, panels.map((o, i) => ({ type: o.type, id: o.id, name: `${i + 1}:panel_${i + 1}` })));
  return [...dataViews, ...panels, dashboard];
}

/** NDJSON: one saved object a line, the dashboard last (Kibana resolves references across the whole file). */
export function toNdjson(objects: KibanaSavedObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join("\n") + "\n";
}
