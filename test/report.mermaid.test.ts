import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/report/markdown.js';
import { mermaidText, sequenceDiagram } from '../src/report/mermaid.js';
import { findingViews } from '../src/report/model.js';
import { TimeFormat } from '../src/report/text.js';
import { incidentModel } from './fixtures/incidentModel.js';
import { HAVE_CHROMIUM } from './helpers/browser.js';
import { mermaidParser, type MermaidParser } from './helpers/mermaidParse.js';
import { checkSequenceDiagram, mermaidBlocks } from './helpers/mermaidSequence.js';

describe('the Mermaid validator (test helper) rejects what Mermaid rejects', () => {
  it.each([
    ['no header', 'participant A\n'],
    ['undeclared participant', 'sequenceDiagram\nparticipant A\nA->>B: hi\n'],
    ['raw semicolon in a message', 'sequenceDiagram\nparticipant A\nparticipant B\nA->>B: a;b\n'],
    ['raw hash in a note', 'sequenceDiagram\nparticipant A\nNote over A: #1\n'],
    ['unclosed rect', 'sequenceDiagram\nparticipant A\nrect rgb(1, 2, 3)\nNote over A: x\n'],
    ['end without block', 'sequenceDiagram\nparticipant A\nend\n'],
    ['unknown statement', 'sequenceDiagram\nparticipant A\nA says hi\n'],
  ])('%s', (_, src) => {
    expect(checkSequenceDiagram(src).ok).toBe(false);
  });

  it('accepts entity codes, notes over two participants and nested rects', () => {
    const r = checkSequenceDiagram('sequenceDiagram\nparticipant A as node#35;1\nparticipant B\nNote over A,B: k\nrect rgb(1, 2, 3)\nrect #fff\nA->>B: a#59;b\nend\nend\n');
    expect(r.errors).toEqual([]);
    expect(r.rects).toBe(2);
  });
});

describe('Mermaid sequence diagrams in report.md', () => {
  const md = renderMarkdown(incidentModel());
  const blocks = mermaidBlocks(md);

  it('one valid sequenceDiagram per finding', () => {
    expect(blocks).toHaveLength(1);
    const r = checkSequenceDiagram(blocks[0]);
    expect(r.errors).toEqual([]);
  });

  it('draws the broken and the healthy node, the other nodes of the hops, the break in a red rect and the hops as arrows', () => {
    const r = checkSequenceDiagram(blocks[0]);
    expect([...r.participants.values()]).toEqual(['node-b (broken)', 'node-a (healthy)', 'node-c']);
    expect(r.notes).toContain('FIRST BREAK: WriteDerived started 14:30:01.200');
    expect(r.notes).toContain('LoadMetadata queued 14:30:00.900, still pending at the break');
    expect(r.notes).toContain('LoadMetadata completed 14:30:03.000, 1.8 s after the break');
    expect(r.notes).toContain('WriteDerived started 14:29:59.100');
    expect(r.messages).toEqual([
      { from: 'N1', to: 'N2', text: 'v8 14:30:05.000' },
      { from: 'N2', to: 'N3', text: 'v8 14:30:07.400' },
    ]);
    expect(blocks[0]).toMatch(/rect rgb\(255, 221, 221\)\n\s+Note over N1: FIRST BREAK: WriteDerived started 14:30:01.200\n\s+end/);
  });

  it('escapes what Mermaid chokes on in names and steps', () => {
    expect(mermaidText('a;b#c<d>\ne')).toBe('a#59;b#35;c#lt;d#gt; e');
    const m = incidentModel();
    const f = m.doc.findings[0];
    m.doc.findings[0] = { ...f, node: 'node;b#1', first_break: { ...f.first_break, op: 'Flush;Compact#2 <x>' } };
    m.details[0].timeline!.rows[1] = { ...m.details[0].timeline!.rows[1], op: 'Flush;Compact#2 <x>' };
    const src = sequenceDiagram(findingViews(m)[0], new TimeFormat([]));
    const r = checkSequenceDiagram(src);
    expect(r.errors).toEqual([]);
    expect(r.participants.get('N1')).toBe('node#59;b#35;1 (broken)');
    expect(src).toContain('FIRST BREAK: Flush#59;Compact#35;2 #lt;x#gt; started');
  });

  it('without a timeline, still draws the pending step and the break from the key events', () => {
    const m = incidentModel();
    m.details[0].timeline = null;
    m.doc.findings[0].healthy_node = null;
    const r = checkSequenceDiagram(sequenceDiagram(findingViews(m)[0], new TimeFormat(['2026-11-27T00:00:00Z'])));
    expect(r.errors).toEqual([]);
    expect(r.notes.some((n) => n.startsWith('FIRST BREAK: WriteDerived started'))).toBe(true);
    expect(r.rects).toBe(2);
  });
});

describe.skipIf(!HAVE_CHROMIUM)('Mermaid itself (its npm bundle in Chromium) parses what the reports print', () => {
  let mermaid: MermaidParser;
  beforeAll(async () => {
    mermaid = await mermaidParser();
  }, 60_000);
  afterAll(async () => {
    await mermaid?.close();
  });

  it('the diagram of a finding, with and without a timeline, and with names Mermaid chokes on', async () => {
    const m = incidentModel();
    const plain = sequenceDiagram(findingViews(m)[0], new TimeFormat([]));
    const f = m.doc.findings[0];
    m.doc.findings[0] = { ...f, node: 'node;b#1', first_break: { ...f.first_break, op: 'Flush;Compact#2 <x> "q" {x}' } };
    m.details[0].timeline!.rows[1] = { ...m.details[0].timeline!.rows[1], op: 'Flush;Compact#2 <x> "q" {x}' };
    const hostile = sequenceDiagram(findingViews(m)[0], new TimeFormat([]));
    m.details[0].timeline = null;
    const bare = sequenceDiagram(findingViews(m)[0], new TimeFormat([]));
    for (const src of [plain, hostile, bare, ...mermaidBlocks(renderMarkdown(incidentModel()))]) expect(await mermaid.parse(src), src).toBeNull();
  });

  it('rejects what the in-repo validator rejects (so that helper checks real Mermaid rules)', async () => {
    for (const src of ['participant A\n', 'sequenceDiagram\nparticipant A\nrect rgb(1, 2, 3)\nNote over A: x\n', 'sequenceDiagram\nparticipant A\nend\n',
      'sequenceDiagram\nparticipant A\nA says hi\n']) {
      expect(await mermaid.parse(src), src).not.toBeNull();
    }
  });
});
