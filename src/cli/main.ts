import { ConfigError, loadConfig } from "../config.ts";

const USAGE = `deploy-guard — judges every release from its own logs and metrics

  deploy-guard serve                      start the service (configuration from the environment; see README)
  deploy-guard gate --url U --token T (--release ID | --service S --version V [--environment E]) [--batch K] [--timeout 4h30m]
                                          wait for a verdict: exit 0 pass/warn, 1 fail, 2 hold/timeout, 3 usage/connection error
  deploy-guard gate --pre-deploy --url U --token T --service S [--environment E] [--timeout 10m]
                                          may a deploy start? exit 0 go, 2 hold (service already unhealthy), 3 usage/connection error
  deploy-guard decide --release ID --action approve|hold|rollback|retry|skip|mark-wrong --reason "…" [--batch K] [--signal S]
                      [--feedback false_fail|missed_regression] [--url U --token T]
                                          an operator's decision, audited as via cli: exit 0 done, 1 refused, 3 usage/connection error
  deploy-guard rules check [--rules DIR] [--db PATH [--since 30d]]
                                          validate the rule files; with --db, each observe-mode rule's record so far
  deploy-guard dashboards export --format datadog|kibana [--dashboard NAME] [--service S] [--environment E] [--out FILE]
                                          a dashboard definition as a Datadog dashboard JSON or Kibana saved objects (NDJSON)
  deploy-guard backtest --rules FILE [--since 30d] [--service S] [--db PATH]
                                          replay a rule over stored releases and print how it would have voted
  deploy-guard db migrate-to postgres://user:pass@host:5432/db [--from PATH]
                                          copy a SQLite file's whole history into an empty PostgreSQL database (docs/scaling.md)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "serve":
        // Each command loads only what it needs, so the gate starts fast in a pipeline.
        return await (await import("./serve-command.ts")).serveCommand(loadConfig());
      case "gate":
        return await (await import("./gate-command.ts")).gateCommand(rest);
      case "decide":
        return await (await import("./decide-command.ts")).decideCommand(rest);
      case "backtest":
        return await (await import("./backtest-command.ts")).backtestCommand(rest);
      case "dashboards":
        return (await import("./dashboards-command.ts")).dashboardsCommand(rest);
      case "db":
        return await (await import("./db-command.ts")).dbCommand(rest);
      case "rules":
        if (rest[0] === "check") return await (await import("./rules-check-command.ts")).rulesCheckCommand(rest.slice(1));
        break;
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return 0;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  process.stderr.write(`Unknown command '${argv.join(" ")}'.\n\n${USAGE}`);
  return 3;
}

process.exitCode = await main(process.argv.slice(2));
