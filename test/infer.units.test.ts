/**
 * The pure pieces of inference: template folding, phases from verbs, operation names and steps,
 * parameter roles from value statistics, peer directions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferSteps, operationName } from '../src/infer/operations.js';
import { peerDirection } from '../src/infer/peers.js';
import { phaseOf } from '../src/infer/phases.js';
import { inferRoles, wordBefore, type SlotStat } from '../src/infer/roles.js';
import { maskNodeToken, mergeTemplates, normalizeValue } from '../src/infer/templates.js';
import { addressHost, tieAddresses, type AddressSlot } from '../src/infer/addresses.js';

describe('templates', () => {
  it('folds a template whose id has no digit into the general one, and keeps the literal as the value', () => {
    const m = mergeTemplates([
      { template: 'Loading metadata for <*> (task <*>)', events: 500 },
      { template: 'Loading metadata for <*> (task deadbe)', events: 2 },
      { template: 'Loading metadata for alpha (task <*>)', events: 1 },
      { template: 'Gossip: <*> is UP', events: 40 },
      { template: 'Gossip: alpha is UP', events: 3 },
    ]);
    expect(m.get('Loading metadata for <*> (task deadbe)')).toEqual({
      canonical: 'Loading metadata for <*> (task <*>)', params: [{ raw: 1 }, { literal: 'deadbe' }],
    });
    expect(m.get('Loading metadata for alpha (task <*>)')).toEqual({
      canonical: 'Loading metadata for <*> (task <*>)', params: [{ literal: 'alpha' }, { raw: 1 }],
    });
    expect(m.get('Gossip: alpha is UP')?.canonical).toBe('Gossip: <*> is UP');
    expect(m.get('Gossip: <*> is UP')).toEqual({ canonical: 'Gossip: <*> is UP', params: [{ raw: 1 }] });
  });

  it('never merges two different messages, however alike (no new <*> is made)', () => {
    const m = mergeTemplates([
      { template: 'Enqueued metadata load for <*> (task <*>)', events: 100 },
      { template: 'Enqueued derived write for <*> (task <*>)', events: 100 },
      { template: 'Loading metadata for <*>', events: 5 },
      { template: 'Loaded metadata for <*>', events: 5 },
    ]);
    for (const [raw, v] of m) expect(v.canonical, raw).toBe(raw);
  });

  it('a literal inside a masked token reads through the token\'s pattern: id=deadbe, under id=<*>,', () => {
    const m = mergeTemplates([
      { template: 'Submitted sync for <*>, request id=<*>', events: 9 },
      { template: 'Submitted sync for <*>, request id=cafe', events: 1 },
    ]);
    expect(m.get('Submitted sync for <*>, request id=cafe')!.params).toEqual([{ raw: 1 }, { literal: 'cafe' }]);
  });

  it('a token naming a node of the incident is a parameter, even with no digit in it', () => {
    const nodes = new Set(['node-a', 'node-e', 'alpha']);
    const m = mergeTemplates([
      { template: 'Repair session <*>: sent <*> version <*> to node-a', events: 4 },
      { template: 'Repair session <*>: sent <*> version <*> to node-e', events: 2 },
      { template: 'Gossip from alpha: peer=node-e (up)', events: 1 },
      { template: 'Gossip from beta: peer=node-e (up)', events: 1 },
    ], { nodes });
    const sent = '<*>: sent <*> version <*> to <*>';
    expect(m.get('Repair session <*>: sent <*> version <*> to node-a')).toEqual({ canonical: `Repair session ${sent}`, params: [{ raw: 1 }, { raw: 2 }, { raw: 3 }, { literal: 'node-a' }] });
    expect(m.get('Repair session <*>: sent <*> version <*> to node-e')!.canonical).toBe(`Repair session ${sent}`);
    expect(m.get('Gossip from alpha: peer=node-e (up)')).toEqual({ canonical: 'Gossip from <*>: peer=<*> (up)', params: [{ literal: 'alpha' }, { literal: 'node-e' }] });
    // beta is no node, but the template its message specialises is now in the logs: it folds in as before
    expect(m.get('Gossip from beta: peer=node-e (up)')).toEqual({ canonical: 'Gossip from <*>: peer=<*> (up)', params: [{ literal: 'beta' }, { literal: 'node-e' }] });
    expect(maskNodeToken('(node-e),', nodes)).toBe('(<*>),');
    expect(maskNodeToken('node-ex', nodes)).toBeNull();
    expect(maskNodeToken('node-a', new Set())).toBeNull();
  });

  it('addresses tied to nodes: each node\'s own (one host per node, no two alike, no peer word before it), hosts named after a node', () => {
    const slot = (template: string, param: number, hosts: Record<string, string[]>): AddressSlot => ({
      templateId: 1, template, param, hosts: new Map(Object.entries(hosts).map(([n, hs]) => [n, new Set(hs)])),
    });
    const own = slot('Listening on <*>', 1, { a: ['10.0.0.1'], b: ['10.0.0.2'], c: ['10.0.0.3'] });
    expect(tieAddresses([own], ['a', 'b', 'c']).ties).toEqual(new Map([['10.0.0.1', 'a'], ['10.0.0.2', 'b'], ['10.0.0.3', 'c']]));
    // a ring of peers looks the same but has a peer word before it
    expect(tieAddresses([slot('Connected to <*>', 1, { a: ['10.0.0.2'], b: ['10.0.0.3'], c: ['10.0.0.1'] })], ['a', 'b', 'c']).ties.size).toBe(0);
    // two nodes are too few to tell their own address from their one peer's
    expect(tieAddresses([slot('Listening on <*>', 1, { a: ['10.0.0.1'], b: ['10.0.0.2'] })], ['a', 'b']).ties.size).toBe(0);
    // a host on two nodes is tied to none
    expect(tieAddresses([slot('Listening on <*>', 1, { a: ['10.0.0.1'], b: ['10.0.0.1'], c: ['10.0.0.3'] })], ['a', 'b', 'c']).ties.size).toBe(0);
    expect(tieAddresses([slot('sent to <*>', 1, { a: ['b.prod.internal'] })], ['a', 'b']).ties).toEqual(new Map([['b.prod.internal', 'b']]));
    expect([addressHost('/10.0.0.7:7000'), addressHost('[::1]:9042'), addressHost('Node-C.internal:7000')]).toEqual(['10.0.0.7', '::1', 'node-c.internal']);
  });

  it('property: every raw template maps to a canonical one of its own length that has at least its <*>s', () => {
    const word = fc.constantFrom('load', 'for', 'task', 'alpha', 'beta', '<*>', '<*>:', 'id=<*>', 'done');
    fc.assert(fc.property(fc.array(fc.tuple(fc.array(word, { minLength: 1, maxLength: 6 }), fc.nat(50)), { maxLength: 30 }), (list) => {
      const raws = list.map(([w, n]) => ({ template: w.join(' '), events: n + 1 }));
      const m = mergeTemplates(raws);
      for (const r of raws) {
        const v = m.get(r.template)!;
        expect(v.canonical.split(' ').length).toBe(r.template.split(' ').length);
        const masks = (t: string) => t.split('<*>').length - 1;
        expect(masks(v.canonical)).toBeGreaterThanOrEqual(masks(r.template));
        expect(v.params).toHaveLength(masks(v.canonical));
        expect(v.params.filter((p) => 'raw' in p).map((p) => (p as { raw: number }).raw)).toEqual(Array.from({ length: masks(r.template) }, (_, i) => i + 1));
        expect(m.get(v.canonical)!.canonical).toBe(v.canonical);
      }
    }), { numRuns: 300 });
  });

  it('property: the comparison pool is the maxCompare canonical templates with most events so far', () => {
    // A model of the fold with the pool taken literally (sort, then compare each template with the
    // K canonical ones of most events so far); whether one template generalises another is asked
    // of mergeTemplates itself, on the two alone. Distinct event counts keep "most" unambiguous.
    const word = fc.constantFrom('load', 'for', 'task', 'alpha', '<*>', 'id=<*>', 'id=x', 'done');
    const masks = (t: string) => t.split('<*>').length - 1;
    const generalises = (r: { template: string }, c: { template: string }) =>
      masks(c.template) > masks(r.template) && mergeTemplates([{ ...r, events: 1 }, { ...c, events: 1 }]).get(r.template)!.canonical === c.template;
    fc.assert(fc.property(
      fc.uniqueArray(fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')), { maxLength: 25 }),
      fc.integer({ min: 1, max: 5 }),
      (templates, maxCompare) => {
        const raws = templates.map((template, i) => ({ template, events: (i * 7919) % 1009 + 1 + i * 1009 }));
        const m = mergeTemplates(raws, { maxCompare });
        const want = new Map<string, string>();
        const byLength = new Map<number, typeof raws>();
        for (const r of raws) byLength.set(r.template.split(' ').length, [...(byLength.get(r.template.split(' ').length) ?? []), r]);
        for (const list of byLength.values()) {
          list.sort((a, b) => masks(b.template) - masks(a.template) || b.events - a.events || (a.template < b.template ? -1 : 1));
          const canon: typeof list = [];
          for (const r of list) {
            const pool = [...canon].sort((a, b) => b.events - a.events).slice(0, maxCompare);
            const best = pool.filter((c) => generalises(r, c)).sort((a, b) => b.events - a.events)[0];
            if (best) want.set(r.template, best.template);
            else { canon.push(r); want.set(r.template, r.template); }
          }
        }
        for (const r of raws) expect(m.get(r.template)!.canonical, r.template).toBe(want.get(r.template));
      }), { numRuns: 300 });
  });

  it('normalises values: trailing punctuation and quotes off', () => {
    expect(['u:91815:', 'tenant-190,', '"a b"', "'x'", 'acct/5014.', '10.0.0.1:50010'].map(normalizeValue))
      .toEqual(['u:91815', 'tenant-190', 'a b', 'x', 'acct/5014', '10.0.0.1:50010']);
  });
});

describe('phases from verbs', () => {
  it.each([
    ['Enqueued metadata load for <*> (task <*>)', 'queued'],
    ['Scheduled snapshot fetch for <*> [job <*>]', 'queued'],
    ['Submitted summary rebuild for <*>, request id=<*>', 'queued'],
    ['op <*>: <*>: derived write queued', 'queued'],
    ['Loading metadata for <*> (task <*>)', 'started'],
    ['Began summary rebuild for <*>', 'started'],
    ['op <*>: <*>: derived write started', 'started'],
    ['Writing derived view for <*> (task <*>)', 'started'],
    ['Loaded metadata for <*> <*> entities (task <*>)', 'completed'],
    ['Derived view for <*> written from <*> entities, version <*> (task <*>)', 'completed'],
    ['op <*>: <*>: metadata load done, <*> entities', 'completed'],
    ['Cache warmed for <*>', 'completed'],
    ['Failed to deliver hints to <*>', 'failed'],
    ['Load of <*> timed out after <*> ms', 'failed'],
    ['Gossip: <*> is UP', null],
  ])('%s → %s', (t, phase) => {
    expect(phaseOf(t)).toBe(phase);
  });
});

describe('operations and steps', () => {
  it.each([
    ['Enqueued metadata load for <*> (task <*>)', 2, 'metadata load'],
    ['Submitted index sync for <*>, request id=<*>', 2, 'index sync'],
    ['Scheduled snapshot fetch for <*> [job <*>]', 2, 'snapshot fetch'],
    ['op <*>: <*>: derived write queued', 1, 'derived write'],
  ])('%s → %s', (t, opParam, name) => {
    expect(operationName(t, opParam)).toBe(name);
  });

  it('gives the steps of one operation one op and distinct phases, ordered by their place in its instances', () => {
    const steps = inferSteps([
      { templateId: 1, template: 'Enqueued metadata load for <*> (task <*>)', events: 10, opKind: 7, opParam: 2, keyed: true },
      { templateId: 2, template: 'Loading metadata for <*> (task <*>)', events: 10, opKind: 7, opParam: 2, keyed: true },
      { templateId: 3, template: 'Loaded <*> entities (task <*>)', events: 10, opKind: 7, opParam: 2, keyed: false },
      { templateId: 4, template: 'Published <*> version <*>', events: 10, opKind: null, opParam: null, keyed: true },
      { templateId: 5, template: 'Compacted <*> sstables', events: 10, opKind: null, opParam: null, keyed: false },
      { templateId: 6, template: 'alpha <*> (job <*>)', events: 10, opKind: 8, opParam: 2, keyed: true },
      { templateId: 7, template: 'beta <*> (job <*>)', events: 10, opKind: 8, opParam: 2, keyed: true },
    ], new Map([[1, 1], [2, 2], [3, 3], [6, 1], [7, 2]]));
    expect(steps.map((s) => [s.templateId, s.op, s.phase, s.phaseFrom])).toEqual([
      [1, 'metadata load', 'queued', 'verb'],
      [2, 'metadata load', 'started', 'verb'],
      [3, 'metadata load', 'completed', 'verb'],
      [4, 'Published <*> version <*>', 'completed', 'verb'],
      [6, 'alpha', 'started', 'order'],
      [7, 'alpha', 'completed', 'order'],
    ]);
  });
});

describe('parameter roles', () => {
  const slot = (templateId: number, param: number, template: string, o: Partial<SlotStat>): SlotStat => ({
    templateId, param, template, events: 100, values: 20, nodes: 5, numeric: 0, measure: 0, address: 0, nodeName: 0, vnum: 0, recur: 0.9, ...o,
  });

  it('a key shared by templates and nodes, the operation id that goes with it, counts, peers, versions', () => {
    const slots = [
      slot(1, 1, 'Enqueued metadata load for <*> (task <*>)', {}),
      slot(1, 2, 'Enqueued metadata load for <*> (task <*>)', { values: 300, recur: 0 }),
      slot(2, 1, 'Loaded metadata for <*> <*> entities (task <*>)', {}),
      slot(2, 2, 'Loaded metadata for <*> <*> entities (task <*>)', { numeric: 1, values: 90 }),
      slot(2, 3, 'Loaded metadata for <*> <*> entities (task <*>)', { values: 300, recur: 0 }),
      slot(3, 1, 'Repair <*> sent <*> version <*> to <*>', { values: 2 }),
      slot(3, 2, 'Repair <*> sent <*> version <*> to <*>', { values: 2 }),
      slot(3, 3, 'Repair <*> sent <*> version <*> to <*>', { numeric: 1, values: 2 }),
      slot(3, 4, 'Repair <*> sent <*> version <*> to <*>', { nodeName: 1, values: 3 }),
      slot(4, 1, 'Compacted <*> sstables to [<*>]. <*> bytes', { numeric: 1 }),
      slot(5, 1, 'Read latency <*> ms', { measure: 1 }),
      slot(6, 1, 'GC pause (<*> Evacuation Pause) <*>', { values: 1, recur: 1 }),
      slot(7, 1, 'GC pause (<*> Humongous Allocation) <*>', { values: 1, recur: 1 }),
    ];
    const overlaps = [
      { a: [1, 1] as [number, number], b: [2, 1] as [number, number], shared: 20 },
      { a: [1, 2] as [number, number], b: [2, 3] as [number, number], shared: 300 },
      { a: [1, 1] as [number, number], b: [3, 2] as [number, number], shared: 2 },
      { a: [6, 1] as [number, number], b: [7, 1] as [number, number], shared: 1 },
    ];
    const pairs = [
      { templateId: 1, pa: 1, pb: 2, pairs: 300, va: 20, vb: 300 },
      { templateId: 2, pa: 1, pb: 3, pairs: 300, va: 20, vb: 300 },
    ];
    const roles = inferRoles(slots, overlaps, pairs, { totalNodes: 5 });
    const role = (t: number, p: number) => roles.find((r) => r.templateId === t && r.param === p)!.role;
    expect([role(1, 1), role(1, 2), role(2, 1), role(2, 2), role(2, 3)]).toEqual(['key', 'operation', 'key', 'number', 'operation']);
    expect([role(3, 2), role(3, 3), role(3, 4)]).toEqual(['key', 'version', 'peer']);
    expect([role(4, 1), role(5, 1), role(6, 1)]).toEqual(['number', 'number', 'value']);
    expect(roles.find((r) => r.templateId === 1 && r.param === 1)!.evidence).toMatch(/shared by 3 templates on 5 nodes/);
  });

  it('reads the word before a parameter, inside its token too', () => {
    expect(wordBefore('Exposed <*> ver=<*> to readers', 2)).toBe('ver');
    expect(wordBefore('Published <*> version <*>', 2)).toBe('version');
    expect(wordBefore('Loading metadata for <*> (task <*>)', 2)).toBe('task');
  });

  it('peer directions from the word before the peer, else the verb', () => {
    expect(peerDirection('Repair session <*> sent <*> version <*> to <*>', 4)).toBe('out');
    expect(peerDirection('Repair session <*> received <*> version <*> from <*>', 4)).toBe('in');
    expect(peerDirection('streamed <*> v<*> <*>', 3)).toBe('out');
    expect(peerDirection('Handshake with <*> completed', 1)).toBeNull();
  });
});
