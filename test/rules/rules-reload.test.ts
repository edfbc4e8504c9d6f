import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ruleMatches, RuleSet } from "../../src/rules/rule-set.ts";

const silent = pino({ level: "silent" });
const minimal = (name: string, service = "*") =>
  `name: ${name}\nmatch: { service: "${service}" }\nsignals:\n  - name: errors\n    kind: error_rate\n    fail: { relative: 0.5 }\n`;

let set: RuleSet | undefined;
afterEach(() => set?.close());

function folderWith(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), "dg-reload-")), "rules");
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("rules reload edge cases (issue 13, item 7)", () => {
  it("refuses a reload that finds no rule file and keeps the last good rules, saying so", () => {
    const dir = folderWith({ "all.yaml": minimal("all"), "pay.yaml": minimal("pay", "pay*") });
    set = new RuleSet(dir, silent);
    set.load();
    unlinkSync(join(dir, "all.yaml"));
    unlinkSync(join(dir, "pay.yaml"));
    expect(set.reload()).toBe(false);
    expect(set.all().map((r) => r.name)).toEqual(["all", "pay"]);
    expect(set.reloadState()).toMatchObject({ status: "refused", error: expect.stringContaining("holds no rule file") });
    writeFileSync(join(dir, "only.yaml"), minimal("only"));
    expect(set.reload()).toBe(true);
    expect(set.all().map((r) => r.name)).toEqual(["only"]);
  });

  it("refuses a reload of a deleted folder, then picks up edits after it is re-created, without a restart", async () => {
    const dir = folderWith({ "all.yaml": minimal("all") });
    set = new RuleSet(dir, silent);
    set.load();
    set.watch(50);
    rmSync(dir, { recursive: true });
    await expect.poll(() => set!.reloadState().status, { timeout: 5000, interval: 25 }).toBe("refused");
    expect(set.all().map((r) => r.name)).toEqual(["all"]);
    mkdirSync(dir);
    writeFileSync(join(dir, "back.yaml"), minimal("back"));
    await expect.poll(() => set!.all().map((r) => r.name), { timeout: 5000, interval: 25 }).toEqual(["back"]);
    // A later edit in the re-created folder is seen too: the watch follows the new folder.
    writeFileSync(join(dir, "later.yaml"), minimal("later", "later"));
    await expect.poll(() => set!.all().map((r) => r.name), { timeout: 5000, interval: 25 }).toEqual(["back", "later"]);
    expect(set.reloadState().status).toBe("ok");
  });

  it("lets a '*' match cover every name, a newline in it included", () => {
    const rule = { match: { service: "*", environment: "prod*" } } as Parameters<typeof ruleMatches>[0];
    expect(ruleMatches(rule, "web\nx", "production")).toBe(true);
    expect(ruleMatches(rule, "web", "prod\n")).toBe(true);
    expect(ruleMatches(rule, "web", "staging")).toBe(false);
  });
});
