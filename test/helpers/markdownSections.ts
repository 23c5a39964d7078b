/** Splits a Markdown report into its `## ` sections, by title, for section-by-section checks. */
export function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^## /m);
  out.set('', parts[0]);
  for (const p of parts.slice(1)) {
    const nl = p.indexOf('\n');
    out.set(p.slice(0, nl).trim(), p.slice(nl + 1));
  }
  return out;
}

/** The rows of the first GFM table in a text, as arrays of trimmed cells (header excluded). */
export function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l, i) => l.startsWith('|') && /^\|[-:|]+\|$/.test(lines[i + 1] ?? ''));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}
