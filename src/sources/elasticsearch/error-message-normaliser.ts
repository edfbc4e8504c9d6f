import { ID_PATTERNS, NUMBER_PATTERN } from "../../analysis/log-templates/value-patterns.ts";
/**
 * Reduces a log message to its kind: variable parts become placeholders, so "timeout after 3021 ms on 10.0.0.7"
 * and "timeout after 87 ms on 10.0.0.9" are one kind. Order matters: wider patterns before the numbers inside them.
 */
const RULES: [RegExp, string][] = [
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, "<str>"],
  ...ID_PATTERNS,
  NUMBER_PATTERN,
];

/** A list of ids ("delete blk_1 blk_2 … blk_80") is one kind however long the list. */
const REPEATS = /(\S*<(?:num|hex|ip|uuid|str|time)>\S*?)(?:[\s,]+\1)+(?=[\s,]|$)/g;

export function normaliseErrorMessage(message: string): string {
  let out = message.length > 2000 ? message.slice(0, 2000) : message;
  for (const [pattern, placeholder] of RULES) out = out.replace(pattern, placeholder);
  return out.replace(/\s+/g, " ").replace(REPEATS, "$1 …").trim();
}
