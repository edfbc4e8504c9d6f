import { writeFileSync } from "node:fs";
import { Option } from "commander";
import { importArgoTemplate } from "../rules/import/argo-analysis-template.ts";
import { importKeptnSlo } from "../rules/import/keptn-slo.ts";
import { ruleProblems, ruleYaml } from "../rules/import/rule-writer.ts";
import { ImportError } from "../rules/import/yaml-input.ts";
import { command, parseCommandLine, processIo, usageError, USAGE_EXIT, type CliIo } from "./cli-parser.ts";

const FORMATS = ["keptn-slo", "argo-analysis-template"] as const;
type Format = (typeof FORMATS)[number];

interface Values {
  from: Format;
  out?: string;
  name?: string;
  service?: string;
  environment?: string;
  sli?: string;
  template?: string;
  set?: string[];
}

/**
 * `deploy-guard rules import --from keptn-slo|argo-analysis-template FILE`: the rule YAML on stdout (or --out), what
 * it could not carry over as warnings on stderr. Exit 0 written, 3 a file it cannot read or use (or a usage mistake),
 * 1 when the rule it built does not validate (a --set value that breaks a query).
 */
export async function rulesImportCommand(args: string[], io: CliIo = processIo): Promise<number> {
  const cmd = command("rules import", "Turn a Keptn slo.yaml or an Argo Rollouts AnalysisTemplate (Prometheus provider) into a rule, and say what it could not carry over.")
    .argument("<file>", "the slo.yaml, or a YAML file holding the AnalysisTemplate or ClusterAnalysisTemplate")
    .addOption(new Option("--from <format>", "what FILE is").choices(FORMATS).makeOptionMandatory())
    .option("--out <file>", "write the rule there instead of to stdout")
    .option("--name <name>", "the rule's name (default: the template's name, or the SLO file's)")
    .option("--service <glob>", "the services the rule matches (default *)")
    .option("--environment <glob>", "the environments the rule matches (default *)")
    .option("--sli <file>", "keptn-slo: the Prometheus sli.yaml with each SLI's query (without it, queries are stand-ins)")
    .option("--template <name>", "argo-analysis-template: which template, when FILE holds several")
    .option("--set <name=value>", "a value for a placeholder: Keptn's $NAME, Argo's {{args.NAME}}; repeatable", (v: string, all: string[] = []) => [...all, v]);
  const parsed = parseCommandLine(cmd, args, io);
  if (typeof parsed === "number") return parsed;
  const values = parsed.opts as unknown as Values;
  const file = parsed.operands[0]!;
  const set: Record<string, string> = {};
  for (const pair of values.set ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) return usageError(cmd, io, `--set ${pair}: expected NAME=VALUE`);
    set[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const options = { name: values.name, service: values.service, environment: values.environment, set };
  let result;
  try {
    result = values.from === "keptn-slo" ? importKeptnSlo(file, { ...options, sli: values.sli }) : importArgoTemplate(file, { ...options, template: values.template });
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    io.err.write(`${err.message}\n`);
    return USAGE_EXIT;
  }
  const text = ruleYaml(result, `deploy-guard rules import --from ${values.from}`);
  for (const w of result.warnings) io.err.write(`warning: ${w}\n`);
  const problems = ruleProblems(text);
  if (problems.length > 0) {
    io.err.write(`The imported rule does not validate, so it was not written:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 1;
  }
  if (values.out === undefined) io.out.write(text);
  else {
    try {
      writeFileSync(values.out, text);
    } catch (err) {
      io.err.write(`--out ${values.out}: cannot write it (${(err as Error).message})\n`);
      return USAGE_EXIT;
    }
  }
  const where = values.out === undefined ? "" : ` into ${values.out}`;
  io.err.write(`Imported rule ${result.rule.name}${where}: ${result.rule.signals.length} signal(s); ${result.warnings.length} thing(s) not carried over (above).\n`);
  return 0;
}
