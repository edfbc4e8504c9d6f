import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import type { z } from "zod";
import { formatPath } from "../../http/problem.ts";

/** A file the importer cannot use: unreadable, not YAML, or not the kind asked for. The message names file and place. */
export class ImportError extends Error {
  override readonly name = "ImportError";
}

/** Every YAML document of a file (Kubernetes files hold several), empty ones left out. */
export function readYamlDocuments(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError(`${file}: cannot read it (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : (err as Error).message})`);
  }
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const all = Array.isArray(docs) ? docs : [];
  for (const doc of all) {
    const error = doc.errors[0];
    if (error) throw new ImportError(`${file}: line ${error.linePos?.[0]?.line ?? "?"}: not valid YAML: ${error.message.split("\n")[0]?.replace(/:$/, "")}`);
  }
  try {
    return all.map((d) => d.toJS()).filter((v) => v !== null && v !== undefined);
  } catch (err) {
    throw new ImportError(`${file}: not usable YAML: ${(err as Error).message}`);
  }
}

/** How a document looks, for a message saying it is not what was asked for. */
export function describeDocument(doc: unknown): string {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return Array.isArray(doc) ? "a list" : `a ${typeof doc}`;
  const record = doc as Record<string, unknown>;
  if (typeof record.kind === "string") return `kind ${record.kind}`;
  if ("objectives" in record) return "a Keptn slo.yaml";
  if ("indicators" in record) return "a Keptn sli.yaml";
  return `keys ${Object.keys(record).slice(0, 5).join(", ") || "(none)"}`;
}

/** Validates a document against the importer's reading of the format; the first problems name their fields. */
export function parseAs<T>(schema: z.ZodType<T>, doc: unknown, where: string): T {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length > 0 ? formatPath(i.path) : "(document)"}: ${i.message}`);
  throw new ImportError(`${where}: ${problems.join("; ")}`);
}
