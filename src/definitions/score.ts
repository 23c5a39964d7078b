/**
 * Detection score of a definition on a file's first lines: the share of lines that fit,
 * among the lines that count.
 *
 * - A line matching `detect` (default `line`) fits.
 * - Else a line matching `continuation` does not count either way (stack traces).
 * - Any other line counts against.
 * - With `attach`, records are pairs: an event line fits only with its attached line
 *   right next to it (after it for `to: previous`, before it for `to: next`); the
 *   attached line fits only with its event line. The last line of the sample is not held
 *   against a definition, since its partner may follow the sample.
 * - A definition that fits less than half of the lines that count scores 0.
 */
import type { HeadSample } from '../decode/types.js';

/**
 * Below this share a definition does not fit at all (score 0): with unmatched lines
 * joining the event before them, a loose fit would glue unrelated lines together, and
 * the text fallback serves such a file better.
 */
const MIN_SHARE = 0.5;
import type { CompiledDefinition } from './compile.js';

export function scoreHead(def: CompiledDefinition, head: HeadSample): number {
  const lines = head.lines;
  const numbers = head.lineNumbers;
  const n = lines.length;
  if (n === 0) return 0;
  let fit = 0;
  let against = 0;
  const attach = def.attach;
  // attach state: the line number of an unpaired event line (previous) or attached line (next)
  let open = -1;
  let openIsPaired = false;
  let lastLine = -1;
  for (let i = 0; i < n; i++) {
    const text = lines[i];
    const no = numbers ? numbers[i] : i + 1;
    const adjacent = lastLine === no - 1;
    lastLine = no;
    if (attach !== null && attach.re.test(text)) {
      if (attach.to === 'previous') {
        if (open >= 0 && adjacent) {
          fit += openIsPaired ? 1 : 2;
          openIsPaired = true;
        } else {
          against++;
          open = -1;
        }
      } else {
        if (open >= 0) against++; // an attached line followed by another
        open = no;
      }
      continue;
    }
    if (def.detect.test(text)) {
      if (attach === null) {
        fit++;
      } else if (attach.to === 'previous') {
        if (open >= 0 && !openIsPaired) against++;
        open = no;
        openIsPaired = false;
      } else {
        if (open >= 0 && adjacent) fit += 2;
        else against += open >= 0 ? 2 : 1;
        open = -1;
      }
      continue;
    }
    if (def.continuation !== null && def.continuation.test(text)) continue;
    against++;
    if (attach !== null) {
      if (open >= 0 && !(attach.to === 'previous' && openIsPaired)) against++;
      open = -1;
    }
  }
  // An unpaired record at the very end of the sample may be completed after it: neutral.
  const share = fit === 0 ? 0 : fit / (fit + against);
  return share < MIN_SHARE ? 0 : share;
}
