/**
 * Bad definitions are refused (contract §4): the message names the file and the JSON
 * path of the error, and the exit status is 2 (a usage error) both for
 * `orderline formats --check DIR` and for `orderline ingest --formats-dir DIR`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderline, tempDir } from './helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const GOOD = {
  name: 'compact-store',
  line: '^(?<ts>\\S+) (?<node>\\S+) (?<code>[QSC]) (?<message>.*)$',
  timestamp: { field: 'ts', format: "yyyy-MM-dd'T'HH:mm:ss.SSS", zone: 'UTC' },
};

let n = 0;
/** A folder holding one definition file with the given content; returns [dir, file]. */
function defDir(content: unknown, fileName = 'store.json'): [string, string] {
  const dir = join(tmp.dir, `defs-${++n}`);
  mkdirSync(dir);
  const file = join(dir, fileName);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return [dir, file];
}

const log = join(tmp.dir, 'app.log');
writeFileSync(log, '2026-11-27T14:30:00.123 n1 Q LoadMetadata tenant-7 #41\n');

const CASES: { what: string; def: unknown; path: RegExp; message: RegExp }[] = [
  { what: 'an invalid line regex', def: { ...GOOD, line: '^(?<ts>\\S+ (' }, path: /\$\.line/, message: /invalid regular expression/ },
  { what: 'a missing line', def: { name: 'x' }, path: /\$\.line/, message: /needs "line" \(a regex of a text line\) or "base"/ },
  { what: 'a bad rule regex', def: { ...GOOD, rules: [{ match: '^(?<op>\\w+' }] }, path: /\$\.rules\[0\]\.match/, message: /invalid regular expression/ },
  { what: 'a when field that line does not capture', def: { ...GOOD, rules: [{ when: { kind: 'Q' }, set: { phase: 'queued' } }] }, path: /\$\.rules\[0\]\.when\.kind/, message: /no group named "kind"/ },
  { what: 'set of a column that does not exist', def: { ...GOOD, rules: [{ match: 'x', set: { stage: 'queued' } }] }, path: /\$\.rules\[0\]\.set\.stage/, message: /not a column/ },
  { what: 'an unknown Luxon token', def: { ...GOOD, timestamp: { format: 'yyyy-MM-dd QQ' } }, path: /\$\.timestamp\.format/, message: /unsupported token "QQ"/ },
  { what: 'an unknown zone', def: { ...GOOD, timestamp: { format: 'iso', zone: 'Mars/Olympus' } }, path: /\$\.timestamp\.zone/, message: /unknown time zone/ },
  { what: 'a timestamp field line does not capture', def: { ...GOOD, timestamp: { field: 'when', format: 'iso' } }, path: /\$\.timestamp\.field/, message: /no group named "when"/ },
  { what: 'a misspelt key', def: { ...GOOD, contination: '^\\s' }, path: /\$/, message: /contination/ },
  { what: 'a bad attach mode', def: { ...GOOD, attach: { line: '^x', to: 'sideways' } }, path: /\$\.attach\.to/, message: /previous|next/ },
  { what: 'a sample without line', def: { ...GOOD, samples: [{ expect: { op: 'x' } }] }, path: /\$\.samples\[0\]/, message: /either `line` or `lines`/ },
  { what: 'a sample expecting a non-column', def: { ...GOOD, samples: [{ line: 'x', expect: { operation: 'x' } }] }, path: /\$\.samples\[0\]\.expect\.operation/, message: /not a column/ },
  { what: 'an invalid name', def: { ...GOOD, name: 'my format!' }, path: /\$\.name/, message: /name of letters/ },
];

describe('a definition that does not validate is refused with its file and JSON path', () => {
  for (const c of CASES) {
    it(`${c.what}: formats --check exits 2`, () => {
      const [dir, file] = defDir(c.def);
      const r = orderline(['formats', '--check', dir]);
      expect(r.status).toBe(2);
      const first = r.stderr.split('\n')[0];
      expect(first).toContain(file);
      expect(first).toMatch(c.path);
      expect(first).toMatch(c.message);
      expect(r.stdout).toBe('');
    });
  }

  it('ingest --formats-dir with a bad definition exits 2 and loads nothing', () => {
    const [dir, file] = defDir({ ...GOOD, rules: [{ match: '(' }] });
    const db = join(tmp.dir, 'bad.duckdb');
    const r = orderline(['ingest', log, '--db', db, '--formats-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^orderline: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\$\\.rules\\[0\\]\\.match: invalid regular expression`));
  });

  it('detect and formats --formats-dir refuse it too', () => {
    const [dir] = defDir({ ...GOOD, timestamp: { format: 'nonsense' } });
    expect(orderline(['detect', log, '--formats-dir', dir]).status).toBe(2);
    expect(orderline(['formats', '--formats-dir', dir]).status).toBe(2);
  });

  it('a file that is not JSON names the file', () => {
    const [dir, file] = defDir('{ "name": "x", ');
    const r = orderline(['formats', '--check', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: invalid JSON`);
  });

  it('two definitions of one name in a folder are refused', () => {
    const [dir] = defDir(GOOD, 'a.json');
    writeFileSync(join(dir, 'b.json'), JSON.stringify(GOOD));
    const r = orderline(['formats', '--check', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/b\.json: \$\.name: "compact-store" is already defined by .*a\.json/);
  });

  it('a missing --formats-dir folder is a usage error', () => {
    const r = orderline(['ingest', log, '--db', ':memory:', '--formats-dir', join(tmp.dir, 'nope')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nope: cannot read the --formats-dir folder/);
  });

  it('a valid definition loads: formats lists it with its file, ingest uses it', () => {
    const [dir, file] = defDir(GOOD);
    const list = JSON.parse(orderline(['formats', '--formats-dir', dir, '--json']).stdout);
    expect(list.formats).toContainEqual(expect.objectContaining({ name: 'compact-store', file }));
    const r = orderline(['ingest', log, '--db', ':memory:', '--formats-dir', dir, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).sources[0]).toMatchObject({ format: 'compact-store', events: 1, rejected: 0 });
  });
});
