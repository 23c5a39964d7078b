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
  /** Why this argument names no readable file (only with `{ keepGoing: true }`). */
  error?: string;
}

export class InputError extends Error {}

/**
 * Throws InputError for an argument that names nothing, unless `keepGoing`: then that
 * argument comes back in its place as an InputFile with `error` set, so that ingest can
 * load the others and report it like any other failed file.
 */
export async function expandPaths(args: readonly string[], opts: { keepGoing?: boolean } = {}): Promise<InputFile[]> {
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
    try {
      for (const f of await expandOne(arg)) add(f);
    } catch (e) {
      if (!(e instanceof InputError) || !opts.keepGoing) throw e;
      out.push({ path: arg, stdin: false, error: e.message });
    }
  }
  return out;
}

/** The files one argument names (a file, a directory's files, a glob's matches). */
async function expandOne(arg: string): Promise<string[]> {
  const info = await stat(arg).catch(() => null);
  if (info?.isDirectory()) return walk(arg);
  if (info?.isFile()) return [arg];
  if (isDynamicPattern(arg)) {
    const hits = (await glob(arg, { onlyFiles: true, dot: false, expandDirectories: false })).sort();
    if (hits.length === 0) throw new InputError(`${arg}: no file matches this pattern`);
    return hits;
  }
  if (info) throw new InputError(`${arg}: not a regular file or directory`);
  throw new InputError(`${arg}: no such file or directory`);
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
