/** A definition as a Format the registry detects and ingest decodes with: text (`line`) or structured (`base`). */
import type { Format } from '../decode/types.js';
import { CompiledDefinition } from './compile.js';
import { DefinitionDecoder } from './decoder.js';
import type { DefinitionFile } from './load.js';
import { scoreHead } from './score.js';
import { StructuredDefinition, structuredFormat } from './structured.js';

export interface DefinitionFormat extends Format {
  compiled: CompiledDefinition | StructuredDefinition;
}

export function definitionFormat(df: DefinitionFile): DefinitionFormat {
  if (df.definition.base !== undefined) {
    const compiled = new StructuredDefinition(df.definition, df.file);
    return { ...structuredFormat(compiled, df.file), compiled };
  }
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
