/**
 * `--shard K/N`: a stable K-th of N shares of the inputs, by path, so N machines (or the N
 * tasks of a batch scheduler) split one archive without talking to each other. A file belongs
 * to share (FNV-1a 32-bit hash of its path as given) mod N, plus 1; the same path lands in the
 * same share on every machine and in every run. Standard input is always in share 1.
 */
import { UsageError } from '../errors.js';

export interface Shard {
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(k >= 1) || k > n || n > 1_000_000) {
    throw new UsageError(`--shard takes K/N with 1 ≤ K ≤ N (3/8: the third of eight shares), not "${text}"`);
  }
  return { k, n };
}

/** FNV-1a, 32 bits, of the UTF-16 code units of `s`. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function inShard(path: string, stdin: boolean, shard: Shard): boolean {
  if (stdin) return shard.k === 1;
  return (fnv1a(path) % shard.n) + 1 === shard.k;
}
