import { readFileSync } from "node:fs";

/**
 * The version in deploy-guard's package.json, found by walking up from this module: the same code runs from src/
 * (tsx), from a compiled dist/ folder and from an installed package, each at a different depth.
 */
export function packageVersion(from: string | URL = import.meta.url): string {
  for (let dir = new URL(".", from); ; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "deploy-guard" && pkg.version) return pkg.version;
    } catch { /* no package.json here: look one folder up */ }
    if (dir.pathname === "/") return "unknown";
  }
}
