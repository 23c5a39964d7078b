/**
 * Command-line PATH arguments → the files to read: files as given, directories
 * recursively (sorted, hidden entries skipped), globs, and `-` for standard input.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

export interface InputFile {
  /** The path as shown to the user and stored in `sources.path`; `-` for stdin. */
  path: string;
  stdin: boolean;
}

export class InputError extends Error {}

export async function expandPaths(args: readonly string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    if (!seen.has(path)) {
      seen.add(path);
      out.push({ path, stdin: false });
    }
  };
  for (const arg of args) {
    if (arg === '-') {
      out.push({ path: '-', stdin: true });
      continue;
    }
    const info = await stat(arg).catch(() => null);
    if (info?.isDirectory()) {
      for (const f of await walk(arg)) add(f);
    } else if (info?.isFile()) {
      add(arg);
    } else if (isDynamicPattern(arg)) {
      const hits = (await glob(arg, { onlyFiles: true, dot: false, expandDirectories: false })).sort();
      if (hits.length === 0) throw new InputError(`${arg}: no file matches this pattern`);
      hits.forEach(add);
    } else if (info) {
      throw new InputError(`${arg}: not a regular file or directory`);
    } else {
      throw new InputError(`${arg}: no such file or directory`);
    }
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(p)));
    else if (e.isFile()) files.push(p);
  }
  return files;
}
