/**
 * Cuts secrets out of a pushed log message before any of it is stored or shown: a message is the service's own text,
 * so secrets are found by their shape (key = value pairs, bearer tokens, JWTs, cloud keys, URL credentials).
 */
const HIDDEN = "[hidden]";

const SECRET_RULES: [RegExp, string][] = [
  // "password=hunter2", "api_key: abc", "\"token\": \"abc\"": keep the key, hide the value.
  [
    /\b((?:[\w-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|auth|session[_-]?id|cookie))["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}\]]+)/gi,
    `$1${HIDDEN}`,
  ],
  [/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${HIDDEN}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, HIDDEN],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, HIDDEN],
  [/\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}\b/g, HIDDEN],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,})\b/g, HIDDEN],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${HIDDEN}@`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, HIDDEN],
];

export function maskSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_RULES) out = out.replace(pattern, replacement);
  return out;
}

/** The sample kept with a signature: secrets hidden, then cut to `max` characters. */
export function sampleMessage(message: string, max = 500): string {
  const masked = maskSecrets(message.length > 4 * max ? message.slice(0, 4 * max) : message);
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}
