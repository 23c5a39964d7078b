/**
 * Truncated and corrupt .gz files on a busy machine (issue 8): zlib reports the damage
 * whenever it notices, possibly after the reader has stopped reading (detection's head,
 * a file that failed, the end of the run). That error must never reach the process as an
 * unhandled 'error' event: the file fails with one line naming it and its line, the other
 * files load, and the exit status is 1.
 *
 * Both cores are kept busy by spinning child processes while ingest and investigate run
 * many times, on files cut at several places (inside the gzip header, inside the first
 * block, halfway, before the trailer), alone, among others and first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInput } from '../src/input/openInput.js';
import { readHead } from '../src/input/readHead.js';
import { orderline, orderlineJson, tempDir, write } from './helpers/cli.js';

const tmp = tempDir('orderline-gzip-');
const lines = Array.from({ length: 3000 }, (_, i) =>
  JSON.stringify({ ts: new Date(Date.UTC(2026, 10, 27, 14, 30) + i).toISOString(), level: 'INFO', msg: `event ${i} of the good file`, key: `k-${i % 17}` }));
const whole = gzipSync(`${lines.join('\n')}\n`);
/** Where the gzip stream is cut: inside the header, inside the first block, halfway, before the 8-byte trailer. */
const CUTS: Record<string, Buffer> = {
  header: whole.subarray(0, 6),
  early: whole.subarray(0, 200),
  half: whole.subarray(0, whole.length >> 1),
  trailer: whole.subarray(0, whole.length - 4),
};
const corrupt = Buffer.from(whole);
corrupt.fill(0x5a, 400, 460);

const spinners: ChildProcess[] = [];
beforeAll(() => {
  // Keep both cores busy for the whole file: the race showed only on a loaded machine.
  for (let i = 0; i < 2; i++) spinners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
});
afterAll(() => {
  for (const s of spinners) s.kill('SIGKILL');
  tmp.cleanup();
});

let n = 0;
/** A folder with the named files: `cut` is the damaged one, `good-*` intact JSON lines. */
function folder(files: { name: string; bytes: Buffer }[]): string {
  const dir = join(tmp.dir, `case-${++n}`);
  for (const f of files) write(join(dir, 'node-x', f.name), f.bytes);
  return dir;
}
/** An intact file (its name in every line, so no two are the same bytes). */
const good = (name: string) => ({ name, bytes: Buffer.from(`${lines.map((l) => l.replace('good file', name)).join('\n')}\n`) });

/** stderr holds one line per failed file and nothing else: no stack trace, no unhandled event. */
function expectCleanFailure(stderr: string, damaged: string, reason: RegExp): void {
  expect(stderr).not.toMatch(/node:events|Unhandled|^\s+at /m);
  const errLines = stderr.trimEnd().split('\n');
  expect(errLines).toHaveLength(1);
  expect(errLines[0]).toMatch(new RegExp(`${damaged.replaceAll('.', '\\.')}: (line \\d+|start): `));
  expect(errLines[0]).toMatch(reason);
}

const TRUNCATED = /truncated gzip data/;

describe('a truncated or corrupt .gz never crashes ingest (both cores busy)', () => {
  const RUNS = 2;
  for (const [cut, bytes] of Object.entries(CUTS)) {
    for (const place of ['alone', 'among others', 'first'] as const) {
      it(`cut ${cut}, ${place}: the file fails in one line, the others load, exit 1 (${RUNS} runs)`, () => {
        const files = place === 'alone' ? [{ name: 'cut.jsonl.gz', bytes }]
          : place === 'first' ? [{ name: 'a-cut.jsonl.gz', bytes }, good('b-good.jsonl')]
          : [good('a-good.jsonl'), { name: 'b-cut.jsonl.gz', bytes }, good('c-good.jsonl')];
        const dir = folder(files);
        const damaged = files.find((f) => f.name.includes('cut'))!.name;
        for (let run = 0; run < RUNS; run++) {
          const r = orderlineJson(['ingest', dir, '--db', ':memory:']);
          expect(r.status).toBe(1);
          expectCleanFailure(r.stderr, damaged, TRUNCATED);
          const loaded = r.doc.sources.filter((s: { error?: string }) => !s.error);
          expect(loaded.map((s: { events: number }) => s.events)).toEqual(files.filter((f) => f.name.includes('good')).map(() => lines.length));
        }
      });
    }
  }

  it('twenty damaged files among good ones in one run: each fails alone, in its own line', () => {
    const cuts = Object.values(CUTS);
    const files = Array.from({ length: 20 }, (_, i) => [
      { name: `f${String(i).padStart(2, '0')}-cut.jsonl.gz`, bytes: cuts[i % cuts.length] },
      good(`f${String(i).padStart(2, '0')}-good.jsonl`),
    ]).flat();
    const r = orderlineJson(['ingest', folder(files), '--db', ':memory:']);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/node:events|Unhandled|^\s+at /m);
    expect(r.stderr.trimEnd().split('\n').map((l) => l.replace(/: (line \d+|start): .*/, ''))).toEqual(
      files.filter((f) => f.name.includes('cut')).map((f) => join(r.doc.sources[0].path, '..', f.name)));
    expect(r.doc.events).toBe(20 * lines.length);
  });

  it('a corrupt block fails its file with the reason; the other files load', () => {
    const dir = folder([{ name: 'a-cut.jsonl.gz', bytes: corrupt }, good('b-good.jsonl')]);
    for (let run = 0; run < 3; run++) {
      const r = orderlineJson(['ingest', dir, '--db', ':memory:']);
      expect(r.status).toBe(1);
      expectCleanFailure(r.stderr, 'a-cut.jsonl.gz', /corrupt gzip data|truncated gzip data/);
      expect(r.doc.events).toBe(lines.length);
    }
  });

  it('investigate: the report names the failed file, the others are analysed, exit 1 (3 runs per cut)', () => {
    for (const bytes of [CUTS.early, CUTS.half]) {
      const dir = folder([{ name: 'a-cut.jsonl.gz', bytes }, good('b-good.jsonl')]);
      for (let run = 0; run < 3; run++) {
        const out = join(`${dir}-reports`, String(run));
        const r = orderline(['investigate', dir, '--out', out]);
        expect(r.status).toBe(1);
        expectCleanFailure(r.stderr, 'a-cut.jsonl.gz', TRUNCATED);
        expect(r.stdout).toMatch(new RegExp(`^1 file, ${lines.length.toLocaleString('en-US')} events, 1 node; 1 file\\(s\\) failed to load`));
      }
    }
  });
});

describe('openInput owns its errors however early the reader stops', () => {
  const file = join(tmp.dir, 'lib', 'half.jsonl.gz');
  beforeAll(() => write(file, CUTS.half));

  it('reading to the end throws the truncation, after every byte before it', async () => {
    const input = await openInput({ path: file, stdin: false });
    let bytes = 0;
    await expect((async () => {
      for await (const b of input.chunks) bytes += b.length;
    })()).rejects.toMatchObject({ code: 'Z_BUF_ERROR' });
    expect(bytes).toBeGreaterThan(0);
    input.close();
  });

  it('stopping after the head, or before reading at all, leaves no error behind', async () => {
    for (const stopAfter of [0, 1, 2]) {
      const input = await openInput({ path: file, stdin: false });
      if (stopAfter > 0) await readHead(input.chunks, stopAfter === 1 ? 10 : 64 * 1024);
      input.close();
      input.close(); // twice is fine
    }
    // zlib reports the damage asynchronously: give it the time to (and fail if it escapes).
    await new Promise((r) => setTimeout(r, 300));
  });
});
