/**
 * The variable parts of log messages that both the template miner and the Elasticsearch error-kind normaliser mask:
 * ids, times, addresses and numbers, each to a typed placeholder. Order matters: wider patterns before the numbers
 * inside them, so the number pattern is kept apart and goes last.
 */
export const ID_PATTERNS: readonly [RegExp, string][] = [
  [/(?<![0-9a-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z])/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, "<time>"],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, "<ip>"],
  // IPv6 only with "::" or all eight groups, so a clock time ("12:30:45") is not taken for one.
  [/(?<![\w:])(?=[0-9a-f:]*::|(?:[0-9a-f]{1,4}:){7})(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])/gi, "<ip>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  // Hex ids: 8+ hex characters with a digit and a letter, so words ("deadline") and plain numbers are left alone.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<hex>"],
];

/** Digits after a letter stay ("log4j", "http2"); after _ - . : they are counters ("blk_-1608", "Cart.java:42"). */
export const NUMBER_PATTERN: [RegExp, string] = [/(?<![A-Za-z0-9])-?\d+(?:[.,]\d+)*/g, "<num>"];
