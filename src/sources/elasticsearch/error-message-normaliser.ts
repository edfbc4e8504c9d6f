/**
 * Reduces a log message to its kind: variable parts become placeholders, so "timeout after 3021 ms on 10.0.0.7"
 * and "timeout after 87 ms on 10.0.0.9" are one kind. Order matters: wider patterns before the numbers inside them.
 */
const RULES: [RegExp, string][] = [
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, "<str>"],
  [/(?<![0-9a-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z])/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, "<time>"],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, "<ip>"],
  // IPv6: with "::" or all eight groups, so a clock time ("12:30:45") is not taken for one.
  [/(?<![\w:])(?=[0-9a-f:]*::|(?:[0-9a-f]{1,4}:){7})(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])/gi, "<ip>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  // Hex ids: 8+ hex characters with a digit and a letter, so words ("deadline") and plain numbers are left alone.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<hex>"],
  // Digits after a letter stay ("log4j", "http2"); after _ - . they are counters ("blk_-1608…", "core.2275").
  [/(?<![A-Za-z0-9])-?\d+(?:[.,]\d+)*/g, "<num>"],
];

/** A list of ids ("delete blk_1 blk_2 … blk_80") is one kind however long the list. */
const REPEATS = /(\S*<(?:num|hex|ip|uuid|str|time)>\S*?)(?:[\s,]+\1)+(?=[\s,]|$)/g;

export function normaliseErrorMessage(message: string): string {
  let out = message.length > 2000 ? message.slice(0, 2000) : message;
  for (const [pattern, placeholder] of RULES) out = out.replace(pattern, placeholder);
  return out.replace(/\s+/g, " ").replace(REPEATS, "$1 …").trim();
}
