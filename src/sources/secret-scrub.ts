import type { Config } from "../config.ts";

const SECRET_KEY = /token|secret|password|apikey|appkey|cloudid|webhookurl/i;

/** Every configured value whose name says it is a secret (tokens, keys, passwords, webhook URLs), longest first. */
export function secretValues(config: Config): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, key: string) => {
    if (typeof value === "string") {
      if (SECRET_KEY.test(key) && value.length >= 4) found.add(value);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(config, "");
  return [...found].sort((a, b) => b.length - a.length);
}

/** Cuts secrets out of a message that came from outside (a source's error), however the source worded it. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.replaceAll(s, "[hidden]");
  return out;
}
