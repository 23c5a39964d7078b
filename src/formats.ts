/**
 * The formats available to a command: the built-in decoders (JSON lines, logfmt, JSON,
 * OTLP, text), the definitions in the project's `parsers/` folder, and those of
 * `--formats-dir` (which replace built-ins of the same name).
 */
import { BUILTIN_FORMATS } from './decode/registry.js';
import type { Format } from './decode/types.js';
import { definitionFormat } from './definitions/definitionFormat.js';
import { loadDefinitionDir, type DefinitionFile } from './definitions/load.js';
import { PARSERS_DIR } from './paths.js';

export async function loadFormats(formatsDir?: string): Promise<Format[]> {
  const formats: Format[] = [...BUILTIN_FORMATS, ...loadDefinitionDir(PARSERS_DIR, 'built-in parsers folder').map(definitionFormat)];
  if (formatsDir === undefined) return formats;
  const user = loadDefinitionDir(formatsDir, '--formats-dir folder').map(definitionFormat);
  const replaced = new Set(user.map((f) => f.name));
  return [...formats.filter((f) => !replaced.has(f.name)), ...user];
}

/** The definition files of a folder, validated (for `formats --check`). */
export function loadDefinitions(dir: string): DefinitionFile[] {
  return loadDefinitionDir(dir);
}
