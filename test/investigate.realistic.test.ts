/**
 * Cross-evidence on free-text incidents (issue 11), through the real CLI: `investigate` on
 * samples/realistic.ts incidents with their replica dumps. A trap key (the raced version repaired
 * to every replica, so the dumps agree) is never cleared: the report says it agrees and is wrong,
 * and every replica of it is to be rebuilt. A last good copy (the odd replica that kept the good
 * value while the others received the raced one) is named, kept, and the others restored from it.
 * Every planted lower count and hop is in report.json, with its line.
 *
 * ORDERLINE_REALISTIC_SEEDS=40 runs more seeds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dateLogsAfter, randomRealisticSpec, writeRealistic } from '../samples/realistic.js';
import { orderline, tempDir } from './helpers/cli.js';
import { schemaErrors } from './helpers/reportSchema.js';

const tmp = tempDir('orderline-inv-realistic-');
afterAll(() => tmp.cleanup());

const SEEDS = Math.max(4, Math.floor(Number(process.env.ORDERLINE_REALISTIC_SEEDS ?? 16) / 2));
const seeds = Array.from({ length: SEEDS }, (_, i) => 4241 + i * 6007);

describe('investigate on free-text incidents with replica dumps: the trap and the last good copy', () => {
  it.each(seeds)('seed %i', (seed) => {
    const spec = randomRealisticSpec(seed);
    const dir = join(tmp.dir, `seed-${seed}`);
    const expected = writeRealistic(spec, dir);
    dateLogsAfter(spec, expected, dir);
    const out = join(dir, 'report');
    const run = orderline(['investigate', join(dir, 'logs'), '--replicas', join(dir, 'replicas'), '--out', out], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(schemaErrors(doc)).toEqual([]);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const at = (source: string) => join(dir, source);

    // every planted break, lower count and hop, by its line
    expect(doc.findings.map((f: { first_break: { source: string; line: number } }) => `${f.first_break.source}:${f.first_break.line}`).sort())
      .toEqual(expected.findings.map((f) => `${at(f.first_break.source)}:${f.first_break.line}`).sort());
    expect(doc.anomalies.map((a: { source: string; line: number }) => `${a.source}:${a.line}`).sort())
      .toEqual(expected.anomalies.map((a) => `${at(a.source)}:${a.line}`).sort());
    const hops = doc.propagation.flatMap((p: { key: string; hops: { from: string; to: string; version: number }[] }) => p.hops.map((h) => `${p.key} ${h.from}→${h.to} v${h.version}`));
    expect(hops.sort()).toEqual(expected.hops.map((h) => `${h.key} ${h.from}→${h.to} v${h.version}`).sort());

    type Row = { key: string; node: string; action: string; restore_from: string | null };
    const rows: Row[] = doc.affected;
    // the trap: raw state agrees, and the report says it is wrong; no replica of it is cleared
    for (const key of expected.trapKeys) {
      const v = doc.verdicts.find((x: { key: string }) => x.key === key);
      expect(v?.agrees_but_wrong, `trap key ${key}`).toBe(true);
      expect(md).toContain('and is wrong: every replica holds');
      expect(md).toContain('**Agreeing is no proof here**');
      const mine = rows.filter((r) => r.key === key);
      expect(mine.map((r) => r.node).sort()).toEqual([...expected.nodes].sort());
      expect(mine.every((r) => r.action === 'restore' && r.restore_from === null)).toBe(true);
    }
    // the last good copy: kept, and the replicas that hold the raced version restored from it
    for (const { key, replica } of expected.lastGoodCopies) {
      const v = doc.verdicts.find((x: { key: string }) => x.key === key);
      expect(v?.last_good_copies.map((g: { replica: string }) => g.replica), `last good copy of ${key}`).toContain(replica);
      expect(rows.find((r) => r.key === key && r.node === replica)?.action).toBe('keep');
      for (const r of rows.filter((x) => x.key === key && x.action === 'restore')) expect(r.restore_from).not.toBeNull();
    }
    // nothing is cleared that the logs show broken
    for (const f of expected.findings) expect(rows.some((r) => r.key === f.key && r.node === f.node)).toBe(true);
  });
});
