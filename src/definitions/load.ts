/**
 * Reads definition files (`*.json`, one format each) from a folder and validates them.
 * A file that is not JSON or does not validate is a usage error naming the file and the
 * JSON path of the problem (contract §4).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../errors.js';
import { definitionSchema, jsonPath, type Definition } from './schema.js';

export interface DefinitionFile {
  /** The file as the user named it (relative to the working folder when inside it). */
  file: string;
  definition: Definition;
}

export function loadDefinitionDir(dir: string, what = 'formats folder'): DefinitionFile[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a folder (${what})`);
    names = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${dir}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const out: DefinitionFile[] = [];
  const byName = new Map<string, string>();
  for (const n of names) {
    const path = join(dir, n);
    const file = displayPath(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const definition = parseDefinition(text, file);
    const other = byName.get(definition.name);
    if (other !== undefined) throw new UsageError(`${file}: $.name: "${definition.name}" is already defined by ${other}`);
    byName.set(definition.name, file);
    out.push({ file, definition });
  }
  return out;
}

/** Parses and validates one definition's text; `file` names it in errors. */
export function parseDefinition(text: string, file: string): Definition {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  const r = definitionSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
    throw new UsageError(`${file}: ${jsonPath(issue.path)}: ${issue.message}${more}`);
  }
  return r.data;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}
