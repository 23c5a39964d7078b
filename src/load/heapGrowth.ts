/**
 * V8's heap kept close to what is live while files are parsed. Parsing makes garbage at the rate
 * of the input, and V8 lets the old generation grow well past the live set (about 15 MB here)
 * before it collects: 45-50 MB of heap and 20-30 MB of dead read Buffers at ingest's peak. With a
 * 10% growing factor it collects sooner: peak RSS 25-45 MB lower, ingest no slower (measured on
 * 160 MB and 1 GB; see the README's figures).
 *
 * The flag is read by V8 at every full collection, so it can be set for the parse and reset after:
 * the inference and the analyses, whose live sets are large, keep V8's own growing factor (with
 * 10% they would collect far too often).
 */
import { setFlagsFromString } from 'node:v8';

const PARSE_GROWING_PERCENT = 10;
let holders = 0;

/** Runs `fn` with V8's heap growing by at most 10% between full collections. */
export async function withTightHeap<T>(fn: () => Promise<T>): Promise<T> {
  if (holders++ === 0) setFlagsFromString(`--heap-growing-percent=${PARSE_GROWING_PERCENT}`);
  try {
    return await fn();
  } finally {
    // 0 is V8's default: its own growing factor
    if (--holders === 0) setFlagsFromString('--heap-growing-percent=0');
  }
}
