import type { SourceQuery } from "../source.ts";
import type { PromqlPlaceholder } from "./query-schema.ts";

/** Escapes a value for a double-quoted PromQL string, so a label value cannot end the string or the selector. */
export function promqlString(value: string): string {
  return value.replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c] ?? c);
}

/** Escapes RE2 metacharacters, so a host or version name is matched literally. */
export function regexLiteral(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

const alternation = (values: string[]) => `(?:${values.map(regexLiteral).join("|")})`;
/** `a^` never matches (RE2 `^` is start of text only): nothing is excluded. */
const MATCH_NOTHING = "a^";

/** Fills a template's placeholders from the query; throws when the window needs a filter the template cannot apply. */
export function renderPromql(template: string, q: SourceQuery): string {
  const used = new Set([...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));
  if (q.hosts?.length && !used.has("hosts")) throw new TemplateError("the window is limited to some hosts but the query has no {{hosts}} placeholder");
  if (q.excludeHosts?.length && !used.has("excluded_hosts")) {
    throw new TemplateError("the window leaves some hosts out but the query has no {{excluded_hosts}} placeholder");
  }
  const values: Record<PromqlPlaceholder, string> = {
    service: q.service,
    environment: q.environment,
    version: q.version === undefined ? ".*" : regexLiteral(q.version),
    hosts: q.hosts?.length ? alternation(q.hosts) : ".*",
    excluded_hosts: q.excludeHosts?.length ? alternation(q.excludeHosts) : MATCH_NOTHING,
    step: `${q.stepSeconds}s`,
  };
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    if (!Object.hasOwn(values, name)) throw new TemplateError(`unknown placeholder ${whole}`);
    const value = values[name as PromqlPlaceholder];
    return name === "step" ? value : promqlString(value);
  });
}

export class TemplateError extends Error {}
