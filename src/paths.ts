/** Where the project's data folders (`parsers/`, `queries/`) are, from built or source code alike. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'queries'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('orderline: cannot find its package folder (queries/ and parsers/)');
}

export const PACKAGE_ROOT = findRoot();
export const PARSERS_DIR = join(PACKAGE_ROOT, 'parsers');
export const QUERIES_DIR = join(PACKAGE_ROOT, 'queries');
