import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageVersion } from "../../src/cli/package-version.ts";
import { ROOT, runCli } from "../support/server-process.ts";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

const COMMANDS = [[], ["serve"], ["gate"], ["decide"], ["rules"], ["rules", "check"], ["dashboards"], ["dashboards", "export"], ["backtest"], ["db"], ["db", "migrate-to"]];

describe("deploy-guard --help and --version", () => {
  it("prints the package's version and exits 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const r = await runCli([flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
    }
  });

  it("answers --help and -h on every command and sub-command with its usage on stdout, exit 0", async () => {
    // -h on two commands only: each run starts a process, and commander treats every command's -h alike.
    const short = (words: string[]) => words[0] === "gate" || words[0] === "decide";
    const runs = await Promise.all(COMMANDS.map(async (words) => ({ words, long: await runCli([...words, "--help"]), short: short(words) ? await runCli([...words, "-h"]) : undefined })));
    for (const { words, long, short } of runs) {
      for (const r of short ? [long, short] : [long]) {
        expect(r.code, `${words.join(" ")}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^Usage: deploy-guard${words.map((w) => ` ${w}`).join("")}( |\\n)`));
        expect(r.stderr).toBe("");
      }
    }
    const gate = runs.find((r) => r.words[0] === "gate")!.long.stdout;
    expect(gate).toContain("exit 0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error");
    expect(gate).toContain("--timeout <duration>");
    expect((await runCli(["help", "gate"])).stdout).toBe(gate);
  });

  it("exits 3 on an unknown option or command, naming it and pointing to --help", async () => {
    const [gate, rules, root, command] = await Promise.all([
      runCli(["gate", "--url", "http://127.0.0.1:9", "--bogus"]), runCli(["rules", "check", "--strict"]), runCli(["--bogus"]), runCli(["deploy"]),
    ]);
    expect(gate).toMatchObject({ code: 3, stdout: "" });
    expect(gate.stderr).toBe("error: unknown option '--bogus'\n(deploy-guard gate --help shows the usage)\n");
    expect(rules.code).toBe(3);
    expect(rules.stderr).toContain("(deploy-guard rules check --help shows the usage)");
    expect(root.code).toBe(3);
    expect(command.code).toBe(3);
    expect(command.stderr).toContain("unknown command 'deploy'");
  });
});

describe("packageVersion", () => {
  it("finds deploy-guard's package.json from a compiled or installed layout, at any depth", () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-version-"));
    const deep = join(dir, "node_modules", "deploy-guard", "dist", "src", "cli");
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(dir, "node_modules", "deploy-guard", "package.json"), JSON.stringify({ name: "deploy-guard", version: "9.8.7" }));
    // Another package's manifest on the way up is not ours.
    writeFileSync(join(dir, "node_modules", "deploy-guard", "dist", "package.json"), JSON.stringify({ type: "module" }));
    expect(packageVersion(pathToFileURL(join(deep, "package-version.js")))).toBe("9.8.7");
    expect(packageVersion(pathToFileURL(join(ROOT, "dist", "cli", "main.js")))).toBe(VERSION);
    rmSync(dir, { recursive: true, force: true });
  });
});
