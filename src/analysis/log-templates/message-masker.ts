import { maskSecrets } from "./secret-masker.ts";
import { ID_PATTERNS, NUMBER_PATTERN } from "./value-patterns.ts";

/**
 * Masks the variable parts of a log message before template mining (Drain's preprocessing step, He et al., ICWS 2017):
 * ids, numbers and quoted values become typed placeholders, so the tree only has to learn the words that vary.
 * Order matters: wider patterns before the numbers inside them.
 */
const MASKS: [RegExp, string][] = [
  // A quoted value: one word, or a short phrase ("John Smith"); a long quoted text (a request line) keeps its words.
  [/"(?:[^"\\\s]|\\.){0,200}"|"(?:[^"\\]|\\.){1,24}"|(?<!\w)'(?:[^'\\\s]|\\.){0,200}'(?!\w)|(?<!\w)'(?:[^'\\]|\\.){1,24}'(?!\w)|`[^`\s]{0,200}`/g, "<str>"],
  ...ID_PATTERNS,
  // A path segment that mixes letters and digits is an id ("/users/u8f3k2/orders").
  [/(?<=\/)(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_-]{6,}(?=\/|\s|$|\?)/g, "<id>"],
  NUMBER_PATTERN,
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
