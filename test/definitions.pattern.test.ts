/**
 * Definition regexes are compiled with their named groups turned into numbered ones
 * (src/definitions/pattern.ts). For every pattern of every built-in definition and every
 * sample line, the numbered group must capture exactly what the named group captures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePattern, PatternError } from '../src/definitions/pattern.js';
import { ROOT } from './helpers/cli.js';

const dir = join(ROOT, 'parsers');
const defs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

describe('named groups → numbered groups', () => {
  for (const d of defs) {
    it(d.name, () => {
      const patterns: string[] = [d.line, d.detect, d.continuation, d.attach?.line, ...(d.rules ?? []).map((r: { match?: string }) => r.match)].filter(Boolean);
      const texts: string[] = (d.samples ?? []).flatMap((s: { line?: string; lines?: string[] }) => s.lines ?? [s.line!]);
      let compared = 0;
      for (const src of patterns) {
        const named = new RegExp(src);
        const p = compilePattern(src);
        for (const t of [...texts, ...texts.map((x) => x.slice(x.indexOf(' ') + 1))]) {
          const a = named.exec(t);
          const b = p.re.exec(t);
          expect(b === null, `${src} on ${t}`).toBe(a === null);
          if (a === null || b === null) continue;
          for (const [name, index] of p.groups) {
            expect(b[index], `${name} in ${src}`).toBe(a.groups![name]);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }

  it('handles classes, escapes, lookarounds, nesting and back references', () => {
    const src = '^(?<=)(?<a>[(?<x>)]+)\\((?:(?<b>\\d)|(?<c>(?<d>x)y))(?!z)\\k<a>$';
    const p = compilePattern(src);
    expect([...p.groups]).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
    const m = p.re.exec('(?(xy(?')!;
    expect([m[1], m[2], m[3], m[4]]).toEqual(['(?', undefined, 'xy', 'x']);
    expect(() => compilePattern('(?<a>x')).toThrow(PatternError);
    expect(() => compilePattern('(?<1a>x)')).toThrow(/invalid/);
  });
});
