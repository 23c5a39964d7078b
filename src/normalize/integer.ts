/**
 * BIGINT values (seq, count, version) as decimal strings, or null when the value is
 * not an integer. Accepts JSON numbers, decimal strings (with `,` or `_` thousands
 * separators) and `0x` hex (ZooKeeper zxids).
 */
const DECIMAL = /^[+-]?\d{1,19}$/;
const HEX = /^0x[0-9a-f]{1,16}$/i;
const MAX = 9223372036854775807n;

export function toBigintText(raw: unknown): string | null {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return null;
    return Number.isSafeInteger(raw) ? String(raw) : inRange(BigInt(raw)); // 1e19 is an integer, but no BIGINT
  }
  if (typeof raw === 'bigint') return inRange(raw);
  if (typeof raw !== 'string') return null;
  let s = raw.trim();
  if (DECIMAL.test(s)) return s.length < 19 ? (s[0] === '+' ? s.slice(1) : s) : inRange(BigInt(s));
  if (HEX.test(s)) return inRange(BigInt(s));
  if (s.includes(',') || s.includes('_')) {
    s = s.replace(/[,_](?=\d{3}(\D|$))/g, '');
    if (DECIMAL.test(s)) return inRange(BigInt(s));
  }
  return null;
}

function inRange(v: bigint): string | null {
  return v > MAX || v < -MAX - 1n ? null : v.toString();
}
