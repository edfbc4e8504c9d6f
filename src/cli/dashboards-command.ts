import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { cliEnv } from "../config.ts";
import { toDatadogDashboard } from "../dashboard/definitions/datadog-export.ts";
import { formatDefinitionProblems, loadDefinitions } from "../dashboard/definitions/definition-loader.ts";
import { toKibanaObjects, toNdjson } from "../dashboard/definitions/kibana-export.ts";

const USAGE = "usage: deploy-guard dashboards export --format datadog|kibana [--dashboard NAME] [--service S] [--environment E] [--out FILE] [--dashboards DIR]\n";

function fail(message: string): number {
  process.stderr.write(`${message}\n${USAGE}`);
  return 3;
}

/** `deploy-guard dashboards export`: one dashboard definition as a Datadog dashboard JSON or Kibana saved objects. */
export function dashboardsCommand(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub !== "export") return fail(`Unknown dashboards command '${sub ?? ""}'.`);
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        format: { type: "string" }, dashboard: { type: "string" }, service: { type: "string" }, environment: { type: "string" },
        out: { type: "string" }, dashboards: { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.format !== "datadog" && values.format !== "kibana") return fail("--format must be datadog or kibana.");
  const dir = values.dashboards ?? cliEnv().dashboardsDir;
  const result = loadDefinitions(dir);
  if (!result.ok) {
    process.stderr.write(`${formatDefinitionProblems(result.problems)}\n${result.problems.length} problem(s) in ${dir}\n`);
    return 1;
  }
  const name = values.dashboard ?? "default";
  const definition = result.definitions.find((d) => d.name === name);
  if (!definition) return fail(`There is no dashboard '${name}' in ${dir}; there are: ${result.definitions.map((d) => d.name).join(", ") || "none"}.`);
  const scope = { service: values.service, environment: values.environment };
  const text = values.format === "datadog" ? `${JSON.stringify(toDatadogDashboard(definition, scope), null, 2)}\n` : toNdjson(toKibanaObjects(definition, scope));
  if (values.out) {
    writeFileSync(values.out, text);
    process.stderr.write(`wrote ${values.format} dashboard '${name}' to ${values.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
