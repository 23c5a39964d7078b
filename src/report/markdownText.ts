/**
 * Markdown building blocks that render the same on GitHub and GitLab and still read as
 * plain text: inline code that survives backticks, table cells that survive pipes and
 * line breaks, and plain text with Markdown's special characters escaped.
 */

/** Inline code: a fence longer than any run of backticks inside. */
export function code(s: string): string {
  const text = s.replace(/\r?\n/g, ' ');
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Plain text with the characters Markdown would read as markup escaped. */
export function md(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

/** One table cell: pipes escaped (also inside code, as GFM tables require), no line breaks. */
export function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');
}

/** A GFM table; `right` marks the columns aligned right (numbers). */
export function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (right[i] ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
