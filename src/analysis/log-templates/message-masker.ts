import { maskSecrets } from "./secret-masker.ts";

/**
 * Masks the variable parts of a log message before template mining (Drain's preprocessing step, He et al., ICWS 2017):
 * ids, numbers and quoted values become typed placeholders, so the tree only has to learn the words that vary.
 * Order matters: wider patterns before the numbers inside them.
 */
const MASKS: [RegExp, string][] = [
  // A quoted value: one word, or a short phrase ("John Smith"); a long quoted text (a request line) keeps its words.
  [/"(?:[^"\\\s]|\\.){0,200}"|"(?:[^"\\]|\\.){1,24}"|(?<!\w)'(?:[^'\\\s]|\\.){0,200}'(?!\w)|(?<!\w)'(?:[^'\\]|\\.){1,24}'(?!\w)|`[^`\s]{0,200}`/g, "<str>"],
  [/(?<![0-9a-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z])/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, "<time>"],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, "<ip>"],
  // IPv6 only with "::" or all eight groups, so a clock time ("12:30:45") is not taken for one.
  [/(?<![\w:])(?=[0-9a-f:]*::|(?:[0-9a-f]{1,4}:){7})(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])/gi, "<ip>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  // Hex ids: 8+ hex characters with a digit and a letter, so words ("deadline") are left alone.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<hex>"],
  // A path segment that mixes letters and digits is an id ("/users/u8f3k2/orders").
  [/(?<=\/)(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_-]{6,}(?=\/|\s|$|\?)/g, "<id>"],
  // Digits after a letter stay ("log4j", "http2"); after _ - . : they are counters ("blk_-1608", "Cart.java:42").
  [/(?<![A-Za-z0-9])-?\d+(?:[.,]\d+)*/g, "<num>"],
];

const MAX_CHARS = 2000;
export const MAX_TOKENS = 48;

/**
 * The part of a message that names its kind: the first line, plus the first stack frame when a trace follows
 * ("NullPointerException" alone says less than "… at Cart.total(Cart.java:42)").
 */
export function messageHead(message: string): string {
  const text = message.length > MAX_CHARS ? message.slice(0, MAX_CHARS) : message;
  const nl = text.indexOf("\n");
  if (nl < 0) return text;
  const first = text.slice(0, nl).trim();
  const frame = /^\s*at\s+\S+/m.exec(text.slice(nl + 1));
  return frame ? `${first} ${frame[0].trim()}` : first || text.trim().split("\n", 1)[0]!;
}

/** Secrets hidden, variables masked, split on white space and capped: the tokens the template miner sees. */
export function maskedTokens(message: string): string[] {
  let out = maskSecrets(messageHead(message));
  for (const [pattern, placeholder] of MASKS) out = out.replace(pattern, placeholder);
  const tokens = out.split(/\s+/).filter((t) => t.length > 0);
  return tokens.length > MAX_TOKENS ? tokens.slice(0, MAX_TOKENS) : tokens;
}

/** A token that is wholly or partly a placeholder is a value, not a word: the tree never branches on it. */
export const hasPlaceholder = (token: string): boolean => token.includes("<") && /<(?:\*|str|uuid|time|ip|hex|id|num)>/.test(token);
