/**
 * diverge judges every cycle with one ordered scan (src/analyses/cycleScan.ts); queries/cycle_eval.sql
 * says the same in SQL. On generated incidents, free text and structured, both give the same
 * per-pair statistics (instances and breaks per node), the same invariants and the same findings
 * with the same evidence. The scan keeps fewer violations (none of a pair too broken to be an
 * invariant; one per (key, node) where X never ran), which changes no finding.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diverge } from '../src/analyses/diverge.js';
import { openDatabase } from '../src/db/database.js';
import { query } from '../src/db/rows.js';
import { loadFormats } from '../src/formats.js';
import { useInference } from '../src/infer/infer.js';
import { ingestIntoDatabase } from '../src/ingest.js';
import { TimeZone } from '../src/normalize/timestamp.js';
import { generateIncident, randomSpec } from '../samples/incident.js';
import { dateLogsAfter, randomRealisticSpec, writeRealistic } from '../samples/realistic.js';
import { tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-cycles-');
afterAll(() => tmp.cleanup());

async function both(db: string, infer: boolean) {
  const conn = await openDatabase(db, { mode: 'read' });
  try {
    await useInference(conn.conn, { enabled: infer });
    const stats = async () => (await query(conn.conn, 'SELECT pair_id, node, support, broken FROM ol_pair_stats WHERE support > 0 OR broken > 0 ORDER BY ALL')).rows
      .map((r) => `${r.pair_id}|${r.node}|${r.support}|${r.broken}`);
    const sql = await diverge(conn.conn, { evaluator: 'sql' });
    const sqlStats = await stats();
    const sqlViolations = Number((await query(conn.conn, 'SELECT count(*) AS n FROM ol_violations')).rows[0].n);
    const scan = await diverge(conn.conn, { evaluator: 'scan' });
    const scanStats = await stats();
    const scanViolations = Number((await query(conn.conn, 'SELECT count(*) AS n FROM ol_violations')).rows[0].n);
    return { sql, scan, sqlStats, scanStats, sqlViolations, scanViolations };
  } finally {
    conn.close();
  }
}

function expectSame(r: Awaited<ReturnType<typeof both>>) {
  expect(r.sqlStats.length).toBeGreaterThan(0);
  expect(r.scanStats).toEqual(r.sqlStats);
  expect(r.scan.invariants).toEqual(r.sql.invariants);
  expect(r.scan.findings).toEqual(r.sql.findings);
  expect(r.scanViolations).toBeLessThanOrEqual(r.sqlViolations);
}

describe('cycle scan = cycle_eval.sql', () => {
  it.each([3, 1009, 40_009, 77_777])('free text, seed %i', async (seed) => {
    const spec = randomRealisticSpec(seed);
    const dir = join(tmp.dir, `real-${seed}`);
    const expected = writeRealistic(spec, dir);
    dateLogsAfter(spec, expected, dir);
    const db = join(dir, 'x.duckdb');
    await ingestIntoDatabase(db, [join(dir, 'logs')], { formats: await loadFormats(), zone: TimeZone.utc(), maxLineBytes: 1 << 20 });
    const r = await both(db, true);
    expectSame(r);
    expect(r.scan.findings.length).toBe(expected.findings.length);
  });

  it.each([1, 42, 2026])('structured, seed %i', async (seed) => {
    const { files } = generateIncident(randomSpec(seed));
    const dir = join(tmp.dir, `inc-${seed}`);
    for (const [rel, text] of files) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const db = join(dir, 'x.duckdb');
    await ingestIntoDatabase(db, [join(dir, 'logs')], { formats: await loadFormats(), zone: TimeZone.utc(), maxLineBytes: 1 << 20 });
    const r = await both(db, false);
    expectSame(r);
    expect(r.scan.findings.length).toBeGreaterThan(0);
  });
});
