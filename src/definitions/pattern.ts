/**
 * Regular expressions of definitions, compiled for the per-line path: named groups are
 * turned into plain numbered groups (so a match builds no `groups` object) and their
 * names are kept as a name → index table that the compiler resolves once.
 */

export interface Pattern {
  /** The source as written in the definition. */
  source: string;
  re: RegExp;
  /** Named group → its 1-based index in `re`. */
  groups: ReadonlyMap<string, number>;
}

export class PatternError extends Error {}

const NAME = /^[A-Za-z_$][\w$]*$/;

/** Compiles a definition's regex; throws PatternError with the engine's message. */
export function compilePattern(source: string): Pattern {
  try {
    new RegExp(source); // the engine's own error message for a bad pattern
  } catch (e) {
    throw new PatternError(`invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  const groups = new Map<string, number>();
  let out = '';
  let index = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (c === '(') {
      if (source[i + 1] !== '?') {
        index++;
      } else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        const end = source.indexOf('>', i + 3);
        const name = source.slice(i + 3, end);
        if (!NAME.test(name)) throw new PatternError(`invalid group name "${name}"`);
        index++;
        groups.set(name, index);
        out += '(';
        i = end;
        continue;
      }
    }
    out += c;
  }
  // Back references by name become numbered ones.
  out = out.replace(/\\k<([A-Za-z_$][\w$]*)>/g, (whole, name: string) => {
    const n = groups.get(name);
    return n === undefined ? whole : `\\${n}`;
  });
  return { source, re: new RegExp(out), groups };
}
