import type { Logger } from "pino";
import { DEFAULT_DASHBOARD } from "./default-dashboard.ts";
import { formatDefinitionProblems, loadDefinitions } from "./definition-loader.ts";
import type { DashboardDefinition } from "./definition-schema.ts";

function specificity(glob: string): number {
  if (glob === "*") return 0;
  return glob.includes("*") ? 1 : 2;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
}

/** The dashboard definitions in force; which panels, in which order, each service's page shows. */
export class DashboardDefinitions {
  private definitions: DashboardDefinition[] = [];

  constructor(private readonly dir: string) {}

  /** Loads the folder; throws with every problem when a file is invalid. A missing folder leaves the built-in default. */
  load(logger?: Logger): void {
    const result = loadDefinitions(this.dir);
    if (!result.ok) {
      const missing = result.problems.length === 1 && result.problems[0]?.path === "(folder)" && /ENOENT/.test(result.problems[0].message);
      if (missing) {
        logger?.warn({ dir: this.dir }, "no dashboards folder; every service gets the built-in dashboard");
        return;
      }
      throw new Error(`Invalid dashboard definitions in ${this.dir}:\n${formatDefinitionProblems(result.problems)}`);
    }
    this.definitions = result.definitions;
    logger?.info({ dashboards: this.definitions.map((d) => d.name) }, "dashboard definitions loaded");
  }

  replace(definitions: DashboardDefinition[]): void {
    this.definitions = definitions;
  }

  all(): readonly DashboardDefinition[] {
    return this.definitions;
  }

  byName(name: string): DashboardDefinition | undefined {
    return this.definitions.find((d) => d.name === name);
  }

  /** The most specific definition whose match covers the service, else the built-in default. */
  dashboardFor(service: string): DashboardDefinition {
    let best: DashboardDefinition | undefined;
    for (const d of this.definitions) {
      if (!globToRegExp(d.match.service).test(service)) continue;
      if (!best || specificity(d.match.service) > specificity(best.match.service)) best = d;
    }
    return best ?? DEFAULT_DASHBOARD;
  }
}
