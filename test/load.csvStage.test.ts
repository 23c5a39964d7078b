/**
 * load/csvStage.ts writes a chunk to its file in pieces as its Buffer fills: the file must hold
 * exactly the bytes of its rows, in order, whatever their sizes (rows far longer than the Buffer
 * included), and the stage must report the rows, bytes and longest row DuckDB's reader is told.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvStage } from '../src/load/csvStage.js';

const dir = mkdtempSync(join(tmpdir(), 'orderline-csvstage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const nextFile = () => join(dir, `f-${n++}.csv`);

describe('CsvStage', () => {
  it('a chunk file is its rows\' bytes in order, across flushes and rows longer than the Buffer', () => {
    // lengths from a few bytes to 1.5 MB (the Buffer is 1 MiB); multi-byte and quote characters
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.tuple(fc.constantFrom('a', 'é', '"', '€', '𝄞'), fc.integer({ min: 1, max: 500_000 })).map(([c, k]) => c.repeat(k)),
    );
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1e6 }), text, text), { minLength: 1, maxLength: 12 }), (rows) => {
      const stage = new CsvStage(nextFile);
      const one = new CsvStage(nextFile);
      const expected: Buffer[] = [];
      let longest = 0;
      for (const [line, reason, raw] of rows) {
        stage.addReject(7, line, reason, raw);
        one.addReject(7, line, reason, raw);
        const alone = readFileSync(one.finish());
        expected.push(alone);
        longest = Math.max(longest, alone.length);
      }
      const bytes = Buffer.concat(expected);
      expect([stage.rows, stage.size, stage.longestRow]).toEqual([rows.length, bytes.length, longest]);
      const file = stage.finish();
      expect(readFileSync(file).equals(bytes)).toBe(true);
      expect([stage.rows, stage.size, stage.longestRow]).toEqual([0, 0, 0]);
      // the next chunk goes to a file of its own
      stage.addReject(1, 1, 'r', 'x');
      expect(stage.finish()).not.toBe(file);
    }), { numRuns: 40 });
  });

  it('a row is quoted CSV: "" escapes a quote, NUL becomes U+FFFD, an empty field is NULL', () => {
    const stage = new CsvStage(nextFile);
    stage.addReject(3, 9, 'say "hi"', 'a\0b');
    expect(readFileSync(stage.finish(), 'utf8')).toBe('3,9,"say ""hi""","a\uFFFDb"\n');
  });
});
