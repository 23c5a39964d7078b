/**
 * Bounds on how deeply nested a value from a log line may be. JSON.parse reads any depth,
 * but JSON.stringify and every recursive walk overflow the stack somewhere past a few
 * thousand levels, which would fail a whole file. A record nested deeper than MAX_NESTING
 * becomes a reject with this reason instead (no log event nests that deep).
 */
export const MAX_NESTING = 100;

export class NestingError extends Error {
  constructor() {
    super(`JSON nested deeper than ${MAX_NESTING} levels`);
  }
}

/**
 * True when `value` holds objects or arrays more than `limit` levels deep. Iterative (an
 * explicit stack, never recursion), and it stops at the first path that is too deep.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (d > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      if (c !== null && typeof c === 'object') {
        stack.push(c);
        depths.push(d + 1);
      }
    }
  }
  return false;
}

/** Throws NestingError when a value nests deeper than MAX_NESTING, counting `outer` levels around it. */
export function checkNesting(value: unknown, outer = 0): void {
  if (value !== null && typeof value === 'object' && nestedDeeperThan(value, MAX_NESTING - outer)) throw new NestingError();
}

/**
 * JSON text of a value for messages and reject rows, at most `max` characters; a value too
 * deep to serialise says so instead of overflowing the stack.
 */
export function jsonPreview(value: unknown, max = 1024): string {
  if (nestedDeeperThan(value, MAX_NESTING)) return `(JSON nested deeper than ${MAX_NESTING} levels)`;
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > max ? s.slice(0, max) : s;
}
