import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.ts";
import { processIo, USAGE_EXIT } from "./cli-parser.ts";
import { packageVersion } from "./package-version.ts";

type Run = (args: string[]) => Promise<number> | number;

// Each command's module is imported only when it runs, so the gate starts fast in a pipeline; each parses its own
// options (and answers its own --help) with commander, so the root only dispatches.
const COMMANDS: { name: string; summary: string; run: () => Promise<Run> }[] = [
  { name: "serve", summary: "start the service (configuration from the environment; see README)", run: async () => (await import("./serve-command.ts")).serveCommand },
  { name: "gate", summary: "wait for a release's verdict: exit 0 pass/warn, 1 fail, 2 hold/timeout, 3 usage/connection error", run: async () => (await import("./gate-command.ts")).gateCommand },
  { name: "decide", summary: "an operator's decision (approve, hold, rollback, retry, skip, mark-wrong), audited as via cli", run: async () => (await import("./decide-command.ts")).decideCommand },
  { name: "rules", summary: "rules check: validate the rule files (with --db, observe-mode records); rules import: a Keptn SLO or Argo template as a rule", run: async () => (await import("./rules-check-command.ts")).rulesCommand },
  { name: "dashboards", summary: "dashboards export: a dashboard definition as Datadog dashboard JSON or Kibana saved objects", run: async () => (await import("./dashboards-command.ts")).dashboardsCommand },
  { name: "backtest", summary: "replay a rule over stored releases and print how it would have voted", run: async () => (await import("./backtest-command.ts")).backtestCommand },
  { name: "db", summary: "db migrate-to postgres://…: copy a SQLite file's whole history into PostgreSQL", run: async () => (await import("./db-command.ts")).dbCommand },
];

const EPILOG = `
Every command answers --help. Without a command, deploy-guard serves.
Exit codes of gate: 0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error.
--url and --token may come from DEPLOY_GUARD_URL and DEPLOY_GUARD_TOKEN, so the token stays out of process lists.
`;

function program(run: (r: Promise<number>) => void): Command {
  const root = new Command("deploy-guard")
    .description("Judges every release from its own logs and metrics, and gates pipelines on the verdict.")
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show this help")
    .helpCommand(false)
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError("(deploy-guard --help lists the commands)")
    .addHelpText("after", EPILOG);
  for (const c of COMMANDS) {
    root.command(c.name).summary(c.summary)
      .helpOption(false).allowUnknownOption().allowExcessArguments().passThroughOptions()
      .action((_opts, cmd: Command) => run(c.run().then((f) => f(cmd.args))));
  }
  root.command("help [command]").summary("show the help of deploy-guard or of one command").action((name?: string) => {
    const c = COMMANDS.find((x) => x.name === name);
    if (name !== undefined && !c) run(Promise.resolve(unknown(root, name)));
    else run(c ? c.run().then((f) => f(["--help"])) : Promise.resolve((root.outputHelp(), 0)));
  });
  return root;
}

function unknown(root: Command, name: string): number {
  processIo.err.write(`Unknown command '${name}'.\n\n`);
  root.outputHelp({ error: true });
  return USAGE_EXIT;
}

async function main(argv: string[]): Promise<number> {
  let ran: Promise<number> | undefined;
  // Returns nothing: a promise handed back to commander's sync parse() would be chained there and, rejected, unhandled.
  const root = program((r) => {
    ran = r;
  });
  try {
    root.parse(argv.length === 0 ? ["serve"] : argv, { from: "user" });
    return await (ran ?? Promise.resolve(0));
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_EXIT;
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
