/** One fenced code block of a Markdown file, with the heading it sits under. */
export interface CodeBlock {
  lang: string;
  /** The nearest heading above the block, without its #s. */
  heading: string;
  /** 1-based line of the opening fence. */
  line: number;
  text: string;
}

/** Every fenced block (```lang … ```) in document order; headings inside blocks are not headings. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let heading = "";
  let open: { lang: string; line: number; lines: string[] } | undefined;
  markdown.split("\n").forEach((raw, i) => {
    const fence = /^\s*```\s*([\w-]*)/.exec(raw);
    if (open) {
      if (fence && raw.trim() === "```") {
        blocks.push({ lang: open.lang, heading, line: open.line, text: open.lines.join("\n") });
        open = undefined;
      } else open.lines.push(raw);
      return;
    }
    if (fence) open = { lang: fence[1]!, line: i + 1, lines: [] };
    else if (/^#{1,6}\s/.test(raw)) heading = raw.replace(/^#+\s*/, "").trim();
  });
  if (open) throw new Error(`unclosed code block at line ${open.line}`);
  return blocks;
}

export function shellBlocks(markdown: string): CodeBlock[] {
  return codeBlocks(markdown).filter((b) => ["sh", "bash", "shell", "console"].includes(b.lang));
}

/**
 * A block's commands as a person would type them: comment lines dropped, backslash continuations joined, a trailing
 * "# comment" after two spaces removed. Meant for blocks of one-line commands, not for scripts with quoted newlines.
 */
export function commandLines(block: Pick<CodeBlock, "text">): string[] {
  return block.text
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((l) => l.replace(/\s{2,}#.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}
