import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Router } from "../http/router.ts";

const require = createRequire(import.meta.url);
const own = (name: string) => new URL(`./assets/${name}`, import.meta.url);

/** Served by the service itself (no CDN); uPlot straight from its package, the rest from ./assets. */
const FILES = {
  "uplot.min.js": { file: require.resolve("uplot/dist/uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "uplot.min.css": { file: require.resolve("uplot/dist/uPlot.min.css"), type: "text/css; charset=utf-8" },
  "dashboard.css": { file: own("dashboard.css"), type: "text/css; charset=utf-8" },
  "charts.js": { file: own("charts.js"), type: "text/javascript; charset=utf-8" },
  "board.js": { file: own("board.js"), type: "text/javascript; charset=utf-8" },
} as const;
export type AssetName = keyof typeof FILES;

interface Asset {
  body: string;
  type: string;
  hash: string;
}

let loaded: Map<string, Asset> | undefined;

function assets(): Map<string, Asset> {
  loaded ??= new Map(
    Object.entries(FILES).map(([name, { file, type }]) => {
      const body = readFileSync(file, "utf8");
      return [name, { body, type, hash: createHash("sha256").update(body).digest("hex").slice(0, 12) }];
    }),
  );
  return loaded;
}

/** The asset's URL with its content hash, so it can be cached for a year and still change with a release. */
export function assetPath(name: AssetName): string {
  return `/assets/${name}?v=${assets().get(name)!.hash}`;
}

export function assetRoutes(app: Router): void {
  app.get("/assets/:name", (ctx) => {
    const asset = assets().get(ctx.req.param("name"));
    if (!asset) return ctx.notFound();
    ctx.header("Content-Type", asset.type);
    ctx.header("Cache-Control", "public, max-age=31536000, immutable");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("ETag", `"${asset.hash}"`);
    if (ctx.req.header("if-none-match") === `"${asset.hash}"`) return ctx.body(null, 304);
    return ctx.body(asset.body);
  });
}
