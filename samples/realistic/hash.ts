/**
 * Seeded randomness addressed by coordinates: `rngFor(seed, PURPOSE, node, slot)` is the same
 * stream whenever it is asked for, so a node's log, another node's log and the replica dumps can
 * each recompute what they need of the plan without sharing state (and without keeping it).
 */
import { prng } from '../incident.js';

/** A 32-bit hash of a tuple of integers (murmur3-style mixing). */
export function mix(...xs: number[]): number {
  let h = 0x9747b28c;
  for (const x of xs) {
    let k = Math.imul(x | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // the high part of numbers beyond 32 bits counts too
    const hi = Math.floor(x / 4294967296) | 0;
    if (hi !== 0 && hi !== -1) h ^= Math.imul(hi, 0x85ebca6b);
  }
  h ^= xs.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A PRNG stream for these coordinates (mulberry32 from samples/incident.ts). */
export const rngFor = (...xs: number[]): (() => number) => prng(mix(...xs));

/** A 32-bit hash of a string (FNV-1a). */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** An integer in [lo, hi]. */
export const int = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

export const pick = <T>(rnd: () => number, a: readonly T[]): T => a[Math.floor(rnd() * a.length)];

export function shuffle<T>(rnd: () => number, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export function hex(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
  return s;
}

/**
 * A bijection of [0, 2^bits): distinct inputs give distinct outputs, so counters become
 * random-looking ids that never collide (bits is 24 or 32).
 */
export function permute(x: number, bits: 24 | 32, salt: number): number {
  const fold = (v: number) => (bits === 32 ? v >>> 0 : v & 0xffffff);
  const half = bits / 2;
  let v = fold(x ^ salt);
  v = fold(Math.imul(v, 0x2545f491));
  v = fold(v ^ (v >>> half));
  v = fold(Math.imul(v, 0x9e3779b1));
  v = fold(v ^ (v >>> (half - 3)));
  v = fold(Math.imul(v, 0x68e31da5));
  v = fold(v ^ (v >>> half));
  return v;
}
