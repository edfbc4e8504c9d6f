import { formatFileProblems, loadYamlFolder, type FileProblem } from "../../rules/yaml-folder.ts";
import { DashboardDefinitionSchema, type DashboardDefinition } from "./definition-schema.ts";

export type DefinitionProblem = FileProblem;

export type DefinitionsResult = { ok: true; definitions: DashboardDefinition[] } | { ok: false; problems: DefinitionProblem[] };

/** Reads and validates every *.yaml / *.yml / *.json in a folder; all or nothing, as the rules are. */
export function loadDefinitions(dir: string): DefinitionsResult {
  const result = loadYamlFolder(dir, /\.(ya?ml|json)$/i, DashboardDefinitionSchema, "dashboard");
  return result.ok ? { ok: true, definitions: result.values } : result;
}

export const formatDefinitionProblems = formatFileProblems;
