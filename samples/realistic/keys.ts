/**
 * Entity key shapes as real services print them: `tenant-190`, `acct/5014`, `u:91815`, a uuid,
 * `order#7731`, HDFS-style `blk_-1608999687919862906`. One incident mixes several shapes.
 */
import { int, pick } from './hash.js';

export type KeyShape = 'tenant' | 'acct' | 'user' | 'uuid' | 'order' | 'blk';
export const KEY_SHAPES: readonly KeyShape[] = ['tenant', 'acct', 'user', 'uuid', 'order', 'blk'];

/** A version-4 uuid from four 32-bit draws. */
export function uuidFrom(rnd: () => number): string {
  const w = () => Math.floor(rnd() * 4294967296).toString(16).padStart(8, '0');
  const a = w();
  const b = w();
  const c = w();
  const d = w();
  const variant = '89ab'[Math.floor(rnd() * 4)];
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

export function makeKey(rnd: () => number, shape: KeyShape): string {
  switch (shape) {
    case 'tenant': return `tenant-${int(rnd, 1, rnd() < 0.7 ? 999 : 99999)}`;
    case 'acct': return `acct/${int(rnd, 1000, rnd() < 0.7 ? 9999 : 999999)}`;
    case 'user': return `u:${int(rnd, 10000, rnd() < 0.7 ? 99999 : 9999999)}`;
    case 'uuid': return uuidFrom(rnd);
    case 'order': return `order#${int(rnd, 1000, rnd() < 0.6 ? 9999 : 9999999)}`;
    case 'blk': {
      // HDFS block ids: a signed 64-bit number, 18-19 digits
      let digits = String(int(rnd, 1, 9));
      const len = rnd() < 0.8 ? 18 : 17;
      for (let i = 0; i < len; i++) digits += String(int(rnd, 0, 9));
      return `blk_${rnd() < 0.5 ? '-' : ''}${digits}`;
    }
  }
}

/** `count` distinct keys of the given shapes, none of them in `taken` (which they are added to). */
export function makeKeys(rnd: () => number, count: number, shapes: readonly KeyShape[], taken: Set<string>): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const k = makeKey(rnd, pick(rnd, shapes));
    if (taken.has(k)) continue;
    taken.add(k);
    out.push(k);
  }
  return out;
}
