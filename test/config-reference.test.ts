import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REFERENCE_PATH, renderConfigReference } from "../scripts/config-reference.ts";
import { ConfigSchema, loadConfig } from "../src/config.ts";
import { codeBlocks } from "./support/readme-blocks.ts";
import { ROOT } from "./support/server-process.ts";

const reference = readFileSync(REFERENCE_PATH, "utf8");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []);
}

/** The reference's rows: variable → its cells (type, default, …), from every table of the page. */
function referenceRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const m of reference.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|(.*)\|$/gm)) rows.set(m[1]!, m[2]!.split(" | ").map((c) => c.trim()));
  return rows;
}

function readmeSection(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe("docs/configuration.md", () => {
  it("is what npm run docs:config generates from the schema now (run it after changing src/config.ts)", () => {
    expect(reference).toBe(renderConfigReference());
  });

  it("has a row for every variable of the schema", () => {
    const rows = referenceRows();
    expect(Object.keys(ConfigSchema.shape).filter((name) => !rows.has(name))).toEqual([]);
    expect(Object.keys(ConfigSchema.shape).length).toBeGreaterThanOrEqual(60);
  });

  it("names every DEPLOY_GUARD_ variable that appears anywhere in src/ (a name ending in _ is a prefix of some)", () => {
    const rows = [...referenceRows().keys()];
    const used = new Set(sourceFiles(join(ROOT, "src")).flatMap((f) => readFileSync(f, "utf8").match(/\bDEPLOY_GUARD_[A-Z0-9_]*/g) ?? []));
    const missing = [...used].filter((name) => name.endsWith("_") ? !rows.some((r) => r.startsWith(name)) : !rows.includes(name));
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(60);
  });

  it("gives each default exactly as the service applies it", () => {
    const rows = referenceRows();
    const config = loadConfig({});
    expect(rows.get("PORT")?.[1]).toBe(`\`${config.port}\``);
    expect(rows.get("DEPLOY_GUARD_DB")?.[1]).toBe(`\`${config.dbPath}\``);
    expect(rows.get("DEPLOY_GUARD_OPEN_READS")?.[1]).toBe(`\`${config.openReads}\``);
    expect(rows.get("DEPLOY_GUARD_SESSION_HOURS")?.[1]).toBe(`\`${config.dashboardSessions.maxAgeMs / 3_600_000}\``);
    expect(rows.get("DEPLOY_GUARD_MAX_BODY_BYTES")?.slice(0, 3)).toEqual(["integer", `\`${config.maxBodyBytes}\``, "≥ 1024"]);
    expect(rows.get("DEPLOY_GUARD_API_TOKEN")?.[3]).toBe("yes");
    expect(rows.get("DEPLOY_GUARD_REPLICA_ID")?.[3]).toBe("");
  });
});

describe("the README", () => {
  it("lists the settings a newcomer needs, each with the reference's default, links the reference and says PORT=", () => {
    const section = readmeSection("Configuration");
    expect(section).toContain("](docs/configuration.md)");
    expect(readme).toMatch(/`PORT=\d+ npm start`/);
    const rows = referenceRows();
    const table = [...section.matchAll(/^\| (`[A-Z].*?) \| (.*?) \|/gm)];
    expect(table.length).toBeGreaterThanOrEqual(10);
    for (const [, names, readmeDefault] of table) {
      for (const name of names!.match(/[A-Z][A-Z0-9_]+/g)!) {
        expect(rows.has(name), `${name} is in docs/configuration.md`).toBe(true);
        expect(readmeDefault, `README's default of ${name}`).toBe(rows.get(name)![1]);
      }
    }
  });

  it("shows the default rule exactly as rules/default.yaml ships it", () => {
    const copies = codeBlocks(readmeSection("Rules")).filter((b) => b.lang === "yaml" && /^name: default$/m.test(b.text));
    expect(copies).toHaveLength(1);
    expect(`${copies[0]!.text}\n`).toBe(readFileSync(join(ROOT, "rules", "default.yaml"), "utf8"));
  });
});
