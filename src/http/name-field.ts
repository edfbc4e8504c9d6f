import { z } from "@hono/zod-openapi";

/**
 * C0 and C1 controls (NUL, tab, newlines…), bidi embeddings, overrides, isolates and marks, line and paragraph
 * separators, the BOM: none belongs in a service, environment, version, host or route name, and each can disguise one
 * (a right-to-left override reverses what a reader sees; a newline once escaped every "*" rule).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/;

/** Why a name is refused, or undefined when it is fine. */
export function nameProblem(value: string): string | undefined {
  const found = UNSAFE.exec(value);
  if (!found) return undefined;
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return `must not contain control characters, line breaks or bidi overrides (U+${code} at character ${found.index + 1})`;
}

/** A name as every entrance takes it: trimmed, 1–max characters, nothing invisible or reordering. */
export function nameField(max = 200) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = nameProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}
