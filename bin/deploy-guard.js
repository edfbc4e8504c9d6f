#!/usr/bin/env node
// A clone runs its TypeScript sources through tsx, so it needs no build step; the published package ships no src/ and
// runs the compiled dist/. Sources win when both are here: a dist/ left by `npm pack` must never shadow edited sources.
import { existsSync } from "node:fs";
import { URL } from "node:url";

const sources = new URL("../src/cli/main.ts", import.meta.url);
const tsx = existsSync(sources) ? await import("tsx/esm/api").catch(notInstalled) : undefined;

if (tsx) {
  tsx.register();
  await import(sources.href);
} else if (existsSync(new URL("../dist/cli/main.js", import.meta.url))) {
  await import("../dist/cli/main.js");
} else {
  process.stderr.write("deploy-guard: neither tsx (npm ci) nor a build (npm run build) is here to run the CLI.\n");
  process.exitCode = 3;
}

// A clone installed without devDependencies has no tsx: its build, if there is one, runs instead.
function notInstalled(err) {
  if (err?.code === "ERR_MODULE_NOT_FOUND") return undefined;
  throw err;
}
