import type { KibanaPanel } from "./definition-schema.ts";

/** One saved-object reference, as Kibana writes them: the name is what the attributes point at. */
export interface KibanaReference {
  type: string;
  id: string;
  name: string;
}

type Column = Record<string, unknown>;

const DATA_LAYER = "data";
const EVENTS_LAYER = "deploy-guard-events";
const TIME = "time";
const VALUE = "value";

function timeColumn(timeField: string): Column {
  return {
    label: timeField, dataType: "date", operationType: "date_histogram", sourceField: timeField, isBucketed: true, scale: "interval",
    params: { interval: "auto", includeEmptyRows: true, dropPartials: false },
  };
}

const filterOf = (kql: string | undefined) => (kql ? { filter: { query: kql, language: "kuery" } } : {});

/** The value columns of a measure: one column, or for an error rate Lens' formula with its helper columns. */
function valueColumns(label: string, m: KibanaPanel): Record<string, Column> {
  if (m.errors_kql) {
    // Lens stores a formula with the columns it computes it from: X0 (errors), X1 (all), X2 (X0 / X1).
    const formula = `count(kql='${m.errors_kql.replace(/'/g, "\\'")}') / count()`;
    const part = { label: `Part of ${label}`, dataType: "number", isBucketed: false, scale: "ratio", customLabel: true };
    return {
      [VALUE]: { label, dataType: "number", operationType: "formula", isBucketed: false, scale: "ratio", customLabel: true,
        params: { formula, isFormulaBroken: false, format: { id: "percent", params: { decimals: 2 } } }, references: [`${VALUE}X2`] },
      [`${VALUE}X0`]: { ...part, operationType: "count", sourceField: "___records___", filter: { query: m.errors_kql, language: "kuery" } },
      [`${VALUE}X1`]: { ...part, operationType: "count", sourceField: "___records___" },
      [`${VALUE}X2`]: { ...part, operationType: "math", references: [`${VALUE}X0`, `${VALUE}X1`],
        params: { tinymathAst: { type: "function", name: "divide", args: [`${VALUE}X0`, `${VALUE}X1`], location: { min: 0, max: formula.length }, text: formula } } },
    };
  }
  const op = m.operation ?? "count";
  const base = { label, dataType: "number", isBucketed: false, scale: "ratio", customLabel: true, ...filterOf(m.kql) };
  if (op === "count") return { [VALUE]: { ...base, operationType: "count", sourceField: "___records___" } };
  return { [VALUE]: { ...base, operationType: op, sourceField: m.field, ...(op === "percentile" ? { params: { percentile: m.percentile } } : {}) } };
}

export interface LensChart {
  title: string;
  description: string | undefined;
  measure: KibanaPanel;
  dataViewId: string;
  timeField: string;
  seriesType: "line" | "bar_stacked";
  /** KQL every document of the chart must match: the service and environment exported. */
  scopeKql: string;
  /** Deploy-guard's events as query annotations, from the events data view. */
  annotations: { dataViewId: string; timeField: string; kql: string };
}

/** A Lens XY chart's saved-object attributes and references (Kibana 8.9+ "formBased" datasource). */
export function lensXy(c: LensChart): { attributes: Record<string, unknown>; references: KibanaReference[] } {
  const columns = { [TIME]: timeColumn(c.timeField), ...valueColumns(c.title, c.measure) };
  return {
    attributes: {
      title: c.title,
      description: c.description ?? "",
      visualizationType: "lnsXY",
      state: {
        datasourceStates: { formBased: { layers: { [DATA_LAYER]: { columns, columnOrder: Object.keys(columns), incompleteColumns: {} } } } },
        visualization: {
          legend: { isVisible: false, position: "bottom" },
          valueLabels: "hide",
          preferredSeriesType: c.seriesType,
          layers: [
            { layerId: DATA_LAYER, layerType: "data", seriesType: c.seriesType, xAccessor: TIME, accessors: [VALUE] },
            {
              layerId: EVENTS_LAYER, layerType: "annotations", ignoreGlobalFilters: true,
              annotations: [{
                type: "query", id: "deploy-guard-release-markers", label: "Deploys and verdicts", key: { type: "point_in_time" },
                timeField: c.annotations.timeField, filter: { type: "kibana_query", query: c.annotations.kql, language: "kuery" },
                icon: "triangle", color: "#6092c0", textVisibility: false,
              }],
            },
          ],
        },
        query: { query: c.scopeKql, language: "kuery" },
        filters: [],
        internalReferences: [],
        adHocDataViews: {},
      },
    },
    references: [
      { type: "index-pattern", id: c.dataViewId, name: `indexpattern-datasource-layer-${DATA_LAYER}` },
      { type: "index-pattern", id: c.annotations.dataViewId, name: `xy-visualization-layer-${EVENTS_LAYER}` },
    ],
  };
}
