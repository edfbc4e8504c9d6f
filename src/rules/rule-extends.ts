import type { FileProblem } from "./yaml-folder.ts";

type Doc = Record<string, unknown>;
type RuleFile = { file: string; value: unknown };

const isObject = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v);
/** null in a child takes the parent's value away (an optional block, or a field of one). */
const withoutNulls = (d: Doc): Doc => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== null));

/**
 * A rule that `extends: NAME` another, as merged: scalars override; blocks (baseline, analysis, capacity, actions…)
 * merge one level; signals merge by name (same name replaces, a new name adds, `remove: true` drops the parent's).
 * The name, description and `extends` are the child's own.
 */
export function mergeRule(parent: Doc, child: Doc, where: string): { value: Doc; problems: Omit<FileProblem, "file">[] } {
  const problems: Omit<FileProblem, "file">[] = [];
  const merged: Doc = { ...parent };
  delete merged.name;
  delete merged.description;
  for (const [key, value] of Object.entries(child)) {
    if (value === null) delete merged[key];
    else if (key === "signals" && Array.isArray(value) && Array.isArray(parent.signals)) merged.signals = mergeSignals(parent.signals, value, where, problems);
    else if (isObject(value) && isObject(parent[key])) merged[key] = withoutNulls({ ...parent[key], ...value });
    else merged[key] = value;
  }
  return { value: merged, problems };
}

function mergeSignals(parent: unknown[], child: unknown[], where: string, problems: Omit<FileProblem, "file">[]): unknown[] {
  const out = [...parent];
  const indexOf = (name: unknown) => out.findIndex((s) => isObject(s) && s.name === name);
  child.forEach((signal, i) => {
    const at = isObject(signal) ? indexOf(signal.name) : -1;
    if (isObject(signal) && signal.remove === true) {
      if (at < 0) problems.push({ path: `signals[${i}].remove`, message: `${where} has no signal '${String(signal.name)}' to remove` });
      else out.splice(at, 1);
    } else if (at >= 0) out[at] = signal;
    else out.push(signal);
  });
  return out;
}

/**
 * Resolves every `extends:` of a folder's rules before they are validated: each child becomes its merged rule, with
 * `extends` kept to say where it came from. Unknown parents and cycles are refused, naming the file.
 */
export function resolveExtends(files: RuleFile[]): { files: RuleFile[]; problems: FileProblem[]; extending: Map<string, string> } {
  const byName = new Map<string, RuleFile>();
  for (const f of files) if (isObject(f.value) && typeof f.value.name === "string" && !byName.has(f.value.name)) byName.set(f.value.name, f);
  const problems: FileProblem[] = [];
  const done = new Map<RuleFile, Doc | undefined>();
  const extending = new Map<string, string>();

  const resolve = (f: RuleFile, chain: RuleFile[]): Doc | undefined => {
    if (done.has(f)) return done.get(f);
    const doc = f.value as Doc;
    const parentName = doc.extends;
    if (parentName === undefined) return doc;
    const fail = (path: string, message: string) => {
      problems.push({ file: f.file, path, message });
      done.set(f, undefined);
      return undefined;
    };
    if (typeof parentName !== "string") return fail("extends", "the name of another rule in this folder");
    const parent = byName.get(parentName);
    if (!parent) return fail("extends", `no rule named '${parentName}' in this folder (rules here: ${[...byName.keys()].join(", ") || "none"})`);
    if (parent === f || chain.includes(parent)) {
      const members = parent === f ? [f] : [...chain.slice(chain.indexOf(parent)), f];
      const message = `rules extend each other in a cycle: ${[...members, parent].map((c) => `${String((c.value as Doc).name)} (${c.file})`).join(" → ")}`;
      for (const m of members) {
        problems.push({ file: m.file, path: "extends", message });
        done.set(m, undefined);
      }
      return undefined;
    }
    const base = resolve(parent, [...chain, f]);
    // Already refused as part of a cycle.
    if (done.has(f)) return undefined;
    if (!base) return fail("extends", `'${parentName}' (${parent.file}) cannot be merged: see its problems`);
    const { value, problems: own } = mergeRule(base, doc, `'${parentName}'`);
    problems.push(...own.map((p) => ({ file: f.file, ...p })));
    if (JSON.stringify(value.match ?? {}) === JSON.stringify(base.match ?? {})) {
      const message = `give this rule a match of its own: as merged it covers the same services as '${parentName}' and would compete with it`;
      problems.push({ file: f.file, path: "match", message });
    }
    const merged = { ...value, extends: parentName };
    done.set(f, merged);
    extending.set(f.file, parentName);
    return merged;
  };

  const out = files.flatMap((f) => {
    if (!isObject(f.value)) return [f];
    const merged = resolve(f, []);
    return merged ? [{ file: f.file, value: merged }] : [];
  });
  return { files: out, problems, extending };
}
