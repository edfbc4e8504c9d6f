import { z } from "zod";

const NOT_HTTP = "must be an http:// or https:// URL (other schemes such as javascript:, data: and file: are refused)";

/**
 * A URL deploy-guard may call or link to: http or https only, so `javascript:`, `data:` and `file:` URLs never
 * reach a request, a rollback or a page's link.
 */
export function httpUrl() {
  return z.url({
    protocol: /^https?$/,
    error: (issue) => issue.code !== "invalid_format" ? undefined
      : /^\s*https?:\/\//i.test(String(issue.input)) ? "must be a valid http(s) URL, e.g. https://example.com/path" : NOT_HTTP,
  });
}
