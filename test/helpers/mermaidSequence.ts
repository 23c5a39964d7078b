/**
 * A validator for the subset of Mermaid sequence diagrams the reports emit, strict where
 * Mermaid's parser is: `sequenceDiagram` first; `participant ID [as ALIAS]`; `A->>B: text`;
 * `Note over|left of|right of A[,B]: text`; `rect COLOR` … `end` nesting; `%%` comments.
 * Participants must be declared before use; text may not hold `#` or `;` (statement ends in
 * Mermaid) except inside entity codes such as `#59;`, nor raw `<` / `>`.
 */
export interface MermaidCheck {
  ok: boolean;
  errors: string[];
  participants: Map<string, string>;
  notes: string[];
  messages: { from: string; to: string; text: string }[];
  rects: number;
}

const ID = '[A-Za-z][A-Za-z0-9_]*';
const ENTITY = /#(?:\d+|[a-z]+);/g;
const COLOR = /^(?:rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*(?:0|1|0?\.\d+)\s*)?\)|#[0-9a-fA-F]{3,8}|[a-z]+)$/;

function textProblem(text: string): string | null {
  const bare = text.replace(ENTITY, '');
  if (/[#;]/.test(bare)) return 'holds # or ; outside an entity code';
  if (/[<>]/.test(bare)) return 'holds a raw < or >';
  if (text.trim() === '') return 'is empty';
  return null;
}

export function checkSequenceDiagram(source: string): MermaidCheck {
  const res: MermaidCheck = { ok: false, errors: [], participants: new Map(), notes: [], messages: [], rects: 0 };
  const lines = source.split('\n');
  let depth = 0;
  let started = false;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('%%')) return;
    if (!started) {
      if (line !== 'sequenceDiagram') res.errors.push(`line ${n}: expected "sequenceDiagram", got "${line}"`);
      started = true;
      return;
    }
    let m: RegExpExecArray | null;
    const known = (id: string) => {
      if (!res.participants.has(id)) res.errors.push(`line ${n}: participant ${id} used before it is declared`);
    };
    if ((m = new RegExp(`^participant (${ID})(?: as (.+))?$`).exec(line))) {
      if (res.participants.has(m[1])) res.errors.push(`line ${n}: participant ${m[1]} declared twice`);
      const alias = m[2] ?? m[1];
      const p = textProblem(alias);
      if (p) res.errors.push(`line ${n}: alias ${p}`);
      res.participants.set(m[1], alias);
    } else if ((m = new RegExp(`^(${ID})(->>|-->>|->|-->|-x|--x|-\\)|--\\))(${ID}): (.*)$`).exec(line))) {
      known(m[1]);
      known(m[3]);
      const p = textProblem(m[4]);
      if (p) res.errors.push(`line ${n}: message ${p}`);
      res.messages.push({ from: m[1], to: m[3], text: m[4] });
    } else if ((m = new RegExp(`^Note (over|left of|right of) (${ID})(?:,(${ID}))?: (.*)$`).exec(line))) {
      known(m[2]);
      if (m[3]) {
        if (m[1] !== 'over') res.errors.push(`line ${n}: only "Note over" spans two participants`);
        known(m[3]);
      }
      const p = textProblem(m[4]);
      if (p) res.errors.push(`line ${n}: note ${p}`);
      res.notes.push(m[4]);
    } else if ((m = /^rect (.+)$/.exec(line))) {
      if (!COLOR.test(m[1].trim())) res.errors.push(`line ${n}: rect needs a colour, got "${m[1]}"`);
      depth++;
      res.rects++;
    } else if (line === 'end') {
      if (depth === 0) res.errors.push(`line ${n}: "end" without an open block`);
      else depth--;
    } else {
      res.errors.push(`line ${n}: not a sequence-diagram statement: "${line}"`);
    }
  });
  if (!started) res.errors.push('empty diagram');
  if (depth > 0) res.errors.push(`${depth} block(s) not closed with "end"`);
  res.ok = res.errors.length === 0;
  return res;
}

/** The bodies of the ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}
