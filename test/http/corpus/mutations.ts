/** Values that break assumptions: wrong types, extremes, numbers as strings, invisible and reordering characters. */
export const WEIRD: unknown[] = [
  null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, 5e-324, "NaN", "Infinity", "-Infinity", "1e309", "9".repeat(400),
  "", " ", "\u0000", "a\nb", "\u202Eevil", "\u2066x\u2069", "\ud800", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "x".repeat(5000), "<!channel>", "../../etc/passwd", "%00",
  "2026-13-45T99:99:99Z", "1970-01-01T00:00:00Z", [], {}, [null], [1, "a", {}], { a: { b: { c: [] } } }, { __proto__: { polluted: 1 } },
  JSON.parse('{"__proto__": {"polluted": true}}'), JSON.parse('{"constructor": {"prototype": {"x": 1}}}'),
];

export type Rnd = () => number;
export const pick = <T>(list: readonly T[], rnd: Rnd): T => list[Math.floor(rnd() * list.length)]!;

/** 0 for the body itself, else one path into it: ["events", 0, "service"]. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.slice(0, 3).forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], fn: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  if (path.length === 0) return root;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  fn(node, path[path.length - 1]!);
  return copy;
}

export const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
export const deepObject = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

/** Up to three field-level changes at once, then one raw mutation: the corpus's JSON bodies. */
export function mutateJson(valid: unknown, rnd: Rnd, contentType: string): { body: string; contentType: string; kind: string } {
  let value = valid;
  const extra = Math.floor(rnd() * 3);
  for (let i = 0; i < extra; i++) {
    const at = pick(paths(value).slice(1), rnd);
    if (at) value = setAt(value, at, (p, k) => (p[k] = pick(WEIRD, rnd)));
  }
  const m = mutateOnce(value, rnd, contentType);
  return { ...m, kind: extra > 0 ? `${m.kind}+${extra}` : m.kind };
}

function mutateOnce(valid: unknown, rnd: Rnd, contentType: string): { body: string; contentType: string; kind: string } {
  const kind = pick(["leaf", "leaf", "leaf", "delete", "extra", "whole", "nest", "empty", "ctype", "badjson", "literal", "dupkey"], rnd);
  const at = pick(paths(valid).slice(1), rnd) ?? [];
  const json = (v: unknown) => JSON.stringify(v) ?? "null";
  switch (kind) {
    case "leaf":
      return { kind, contentType, body: at.length ? json(setAt(valid, at, (p, k) => (p[k] = pick(WEIRD, rnd)))) : json(pick(WEIRD, rnd)) };
    case "delete":
      return { kind, contentType, body: json(setAt(valid, at, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]))) };
    case "extra":
      return { kind, contentType, body: json(setAt(valid, at.length ? at : ["x"], (p) => (Array.isArray(p) ? p.push(pick(WEIRD, rnd)) : (p[`extra_${Math.floor(rnd() * 99)}`] = pick(WEIRD, rnd))))) };
    case "whole":
      return { kind, contentType, body: json(pick(WEIRD, rnd)) };
    case "nest": {
      const deep = rnd() < 0.5 ? deepArray(pick([100, 5_000, 50_000], rnd)) : deepObject(pick([100, 5_000], rnd));
      const text = json(setAt(valid, at.length ? at : ["x"], (p, k) => (p[k] = "__DEEP__")));
      return { kind, contentType, body: text.includes('"__DEEP__"') ? text.replace('"__DEEP__"', deep) : deep };
    }
    case "empty":
      return { kind, contentType, body: pick(["", " ", "\n", "null", "{}", "[]"], rnd) };
    case "ctype":
      return { kind, body: json(valid), contentType: pick(["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=latin1", "", "application/x-ndjson"], rnd) };
    case "badjson": {
      const text = json(valid);
      return { kind, contentType, body: pick([text.slice(0, Math.floor(rnd() * text.length)), `${text},`, text.replace(/"/, "'"), `\uFEFF${text}`, `${text}\u0000`, "{\"a\":}"], rnd) };
    }
    case "literal": {
      const text = json(setAt(valid, at.length ? at : ["x"], (p, k) => (p[k] = "__LIT__")));
      const lit = pick(["1e400", "-1e400", "123456789012345678901234567890", "-0", "0.0000000000000000000001", "1E+2"], rnd);
      return { kind, contentType, body: text.includes('"__LIT__"') ? text.replace('"__LIT__"', lit) : lit };
    }
    default: {
      const text = json(valid);
      return { kind: "dupkey", contentType, body: text.startsWith("{") && text.length > 2 ? `{"service":1,${text.slice(1)}` : text };
    }
  }
}

/** A form body with one field changed, dropped or added. */
export function mutateForm(valid: Record<string, string>, rnd: Rnd): { body: string; contentType: string; kind: string } {
  const fields = { ...valid };
  const key = pick(Object.keys(fields), rnd);
  const kind = pick(["value", "drop", "extra", "raw", "ctype"], rnd);
  if (kind === "value") fields[key] = String(pick(WEIRD, rnd));
  if (kind === "drop") delete fields[key];
  if (kind === "extra") fields[`x${Math.floor(rnd() * 9)}`] = String(pick(WEIRD, rnd));
  const body = kind === "raw" ? pick(["%", "a=%E0%A4%A", "&&&=", "payload=%7B", "=".repeat(1000), "\u0000"], rnd) : new URLSearchParams(fields).toString();
  return { kind, body, contentType: kind === "ctype" ? pick(["application/json", "text/plain", "multipart/form-data"], rnd) : "application/x-www-form-urlencoded" };
}

/** Strings that break path ids and query parameters once URL-encoded. */
export const WEIRD_PARAMS = [
  "", " ", "-1", "0", "1e309", "NaN", "Infinity", "99999999999999999999", "1.5", "true", "null", "[]", "{}", "x".repeat(3000), "\u0000", "\n", "\u202E",
  "\ud800", "ü", "../../etc", "%", "%00", "' OR 1=1 --", "rel_' OR '1'='1", "*", "?", "#", "/", "\\", "2026-13-45T99:99:99Z", "<script>",
];
