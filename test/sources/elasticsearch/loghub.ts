import { readFileSync } from "node:fs";
import { sharedData } from "../../support/shared-data.ts";

/** Loghub 2k samples (research-only licence: read from ../shared/data/loghub, never copied). */
export const LOGHUB = sharedData("loghub/");

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== "," && c !== "\n" && c !== "\r")) {
      field += c;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      rows.push([...row, field]);
      row = [];
      field = "";
    }
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** Each line's message (Content) and the template Loghub's parser assigned it (EventId). */
export function loghubLines(system: string): { content: string; eventId: string }[] {
  const [header, ...rows] = parseCsv(readFileSync(new URL(`${system}/${system}_2k.log_structured.csv`, LOGHUB.url), "utf8"));
  const c = header!.indexOf("Content"), e = header!.indexOf("EventId");
  return rows.filter((r) => r.length === header!.length).map((r) => ({ content: r[c]!, eventId: r[e]! }));
}
