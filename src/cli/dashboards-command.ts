import { writeFileSync } from "node:fs";
import { cliEnv } from "../config.ts";
import { toDatadogDashboard } from "../dashboard/definitions/datadog-export.ts";
import { formatDefinitionProblems, loadDefinitions } from "../dashboard/definitions/definition-loader.ts";
import { toKibanaObjects, toNdjson } from "../dashboard/definitions/kibana-export.ts";
import { command, parseCommandLine, processIo, usageError } from "./cli-parser.ts";

/** `deploy-guard dashboards export`: one dashboard definition as a Datadog dashboard JSON or Kibana saved objects. */
export function dashboardsCommand(args: string[]): number {
  const io = processIo;
  const root = command("dashboards", "Dashboard definitions (dashboards/*.yaml) for other tools.");
  const cmd = root.command("export").description("Write one dashboard definition as a Datadog dashboard JSON or Kibana saved objects (NDJSON).")
    .usage("--format datadog|kibana [--dashboard NAME] [--service S] [--environment E] [--out FILE] [--dashboards DIR]")
    .helpOption("-h, --help", "show this help")
    .option("--format <format>", "datadog or kibana (required)")
    .option("--dashboard <name>", "the definition to export", "default")
    .option("--service <name>", "fill the dashboard's service variable")
    .option("--environment <name>", "fill the dashboard's environment variable")
    .option("--out <file>", "write here instead of stdout")
    .option("--dashboards <dir>", "the definitions folder (default DEPLOY_GUARD_DASHBOARDS)");
  const parsed = parseCommandLine(root, args, io);
  if (typeof parsed === "number") return parsed;
  const values = parsed.opts as { format?: string; dashboard: string; service?: string; environment?: string; out?: string; dashboards?: string };
  const fail = (message: string) => usageError(cmd, io, message);
  if (values.format !== "datadog" && values.format !== "kibana") return fail("--format must be datadog or kibana.");
  const dir = values.dashboards ?? cliEnv().dashboardsDir;
  const result = loadDefinitions(dir);
  if (!result.ok) {
    process.stderr.write(`${formatDefinitionProblems(result.problems)}\n${result.problems.length} problem(s) in ${dir}\n`);
    return 1;
  }
  const name = values.dashboard;
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
