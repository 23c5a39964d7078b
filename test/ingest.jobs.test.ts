/**
 * `ingest --jobs N` (contract §8): the tables do not depend on N. The same inputs ingested with
 * `--jobs 1` (everything on the main thread) and with several parse workers give the same events
 * (ids, lines, every column), rejects, sources and accounting, the same errors and exit status:
 * on random hostile file sets (fast-check), on a free-text incident with a duplicate, a truncated
 * gzip and a missing path among its files, and on the real corpus when it is present.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { randomRealisticSpec, writeRealistic } from '../samples/realistic.js';
import { openDatabase } from '../src/db/database.js';
import { query } from '../src/db/rows.js';
import { orderline, ROOT, tempDir } from './helpers/cli.js';

const tmp = tempDir('orderline-jobs-');
afterAll(() => tmp.cleanup());
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
let n = 0;

/** Everything ingest stored, as text: events (every column, by id), rejects, sources (but when). */
async function tables(path: string): Promise<string> {
  const db = await openDatabase(path, { mode: 'read' });
  try {
    const out: string[] = [];
    for (const q of ['SELECT * EXCLUDE (template) FROM events ORDER BY event_id', 'SELECT * FROM rejects ORDER BY source_id, line',
      'SELECT * EXCLUDE (ingested_at) FROM sources ORDER BY source_id']) {
      out.push(JSON.stringify((await query(db.conn, q)).rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    }
    return out.join('\n');
  } finally {
    db.close();
  }
}

/** Ingests `paths` with --jobs 1 and with `jobs`: the same stdout (the accounting), stderr, exit status and tables. */
async function sameAcrossJobs(paths: string[], jobs: number, extra: string[] = []): Promise<{ status: number | null; stdout: string }> {
  const runs = [1, jobs].map((j) => {
    const db = join(tmp.dir, `db-${++n}-jobs-${j}.duckdb`);
    const r = orderline(['ingest', ...paths, '--db', db, '--jobs', String(j), '--no-infer', '--json', ...extra]);
    return { db, status: r.status, stdout: r.stdout, stderr: r.stderr };
  });
  const [one, many] = runs;
  expect(many.status, many.stderr).toBe(one.status);
  expect(many.stdout).toBe(one.stdout);
  expect(many.stderr).toBe(one.stderr);
  if (existsSync(one.db)) expect(await tables(many.db)).toBe(await tables(one.db));
  return one;
}

// random lines: JSON, logfmt, text with timestamps, garbage bytes, long lines, blank lines
const word = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,10}$/);
const line = fc.oneof(
  fc.record({ ts: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), msg: fc.string({ maxLength: 30 }), key: word })
    .map((r) => JSON.stringify(r)),
  fc.tuple(word, word, fc.integer({ min: 0, max: 99_999 })).map(([k, v, s]) => `ts=2026-11-27T14:30:0${s % 10}Z level=info msg="${v}" key=${k} seq=${s}`),
  fc.tuple(fc.integer({ min: 0, max: 59 }), word).map(([s, w]) => `2026-11-27 14:30:${String(s).padStart(2, '0')},123 INFO [main] c.e.Loader: Loaded ${w} with ${s} entities`),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant(''),
  fc.constant('{"broken": '),
  fc.string({ minLength: 300, maxLength: 400 }),
);
const file = fc.record({
  lines: fc.array(line, { minLength: 0, maxLength: 60 }),
  gzip: fc.boolean(),
  truncate: fc.boolean(),
});

describe('ingest --jobs N: the tables do not depend on N', () => {
  it('random hostile file sets: --jobs 1 and --jobs 4 give the same accounting, errors and tables', async () => {
    await fc.assert(fc.asyncProperty(fc.array(file, { minLength: 2, maxLength: 5 }), async (files) => {
      const dir = join(tmp.dir, `set-${++n}`);
      files.forEach((f, i) => {
        const sub = join(dir, `node-${i % 2}`);
        mkdirSync(sub, { recursive: true });
        const text = Buffer.from(f.lines.join('\n') + '\n', 'binary');
        const bytes = f.gzip ? gzipSync(text) : text;
        writeFileSync(join(sub, `f${i}.log${f.gzip ? '.gz' : ''}`), f.gzip && f.truncate && bytes.length > 30 ? bytes.subarray(0, bytes.length - 12) : bytes);
      });
      await sameAcrossJobs([dir], 4, ['--max-line-bytes', '350']);
    }), { numRuns: 8 });
  }, 300_000);

  it('a free-text incident with a duplicate, a truncated gzip and a missing path: the same sources, skips and failures', async () => {
    const dir = join(tmp.dir, 'incident');
    const spec = randomRealisticSpec(4242, { nodes: 4 });
    writeRealistic(spec, dir);
    const logs = join(dir, 'logs');
    const first = readdirSync(logs)[0];
    const name = readdirSync(join(logs, first))[0];
    cpSync(join(logs, first, name), join(logs, first, `copy-of-${name}`));
    const gz = gzipSync(Buffer.from('2026-11-27 14:30:00,000 INFO [main] c.e.X: hello\n'.repeat(500)));
    writeFileSync(join(logs, first, 'cut.log.gz'), gz.subarray(0, gz.length >> 1));
    const one = await sameAcrossJobs([logs, join(dir, 'no-such-folder')], 4);
    expect(one.status).toBe(1);
    const doc = JSON.parse(one.stdout);
    expect(doc.sources.filter((s: { skipped?: string }) => s.skipped === 'duplicate')).toHaveLength(1);
    expect(doc.sources.filter((s: { error?: string }) => s.error).map((s: { error: string }) => s.error))
      .toEqual([expect.stringMatching(/cut\.log\.gz: line \d+: truncated gzip data/), expect.stringMatching(/no-such-folder/)]);
  });

  it('the real corpus (several formats at once), when ../shared/corpus is present', async (ctx) => {
    if (!existsSync(CORPUS)) {
      ctx.skip('../shared/corpus is absent: corpus check skipped');
      return;
    }
    // a few files of each kind, small enough for a test
    const picked: string[] = [];
    const walk = (d: string, depth: number) => {
      for (const e of readdirSync(d).sort()) {
        const p = join(d, e);
        const st = statSync(p);
        if (st.isDirectory() && depth < 3) walk(p, depth + 1);
        else if (st.isFile() && /\.(log|jsonl|json|txt|csv)$/.test(e) && st.size < 3e6 && picked.filter((x) => x.startsWith(d)).length < 2) picked.push(p);
      }
    };
    walk(CORPUS, 0);
    expect(picked.length).toBeGreaterThan(4);
    await sameAcrossJobs(picked.slice(0, 24), 3);
  });
});
