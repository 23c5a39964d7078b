/** A compiled definition as a Format the registry detects and ingest decodes with. */
import type { Format } from '../decode/types.js';
import { CompiledDefinition } from './compile.js';
import { DefinitionDecoder } from './decoder.js';
import type { DefinitionFile } from './load.js';
import { scoreHead } from './score.js';

export interface DefinitionFormat extends Format {
  compiled: CompiledDefinition;
}

export function definitionFormat(df: DefinitionFile): DefinitionFormat {
  const compiled = new CompiledDefinition(df.definition, df.file);
  return {
    name: compiled.name,
    description: compiled.description,
    priority: compiled.priority,
    specificity: compiled.specificity,
    file: df.file,
    compiled,
    score: (head) => scoreHead(compiled, head),
    lineDecoder: (ctx) => new DefinitionDecoder(compiled, ctx),
  };
}
