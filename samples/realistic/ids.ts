/**
 * Operation ids and repair session ids. Every operation instance (the metadata load of one cycle,
 * the derived write of one cycle) has one id, shared by its lines. In `coordinator` mode the id is
 * a function of the cycle only (every replica logs the same one); in `per-node` mode each node
 * makes its own. Ids never repeat within a node (hex6 up to 16.7 million operations per incident).
 * A hex id may have no digit at all (`deadbe`): real ones do too.
 */
import { mix, permute, rngFor } from './hash.js';
import { uuidFrom } from './keys.js';
import type { OpIdMode, OpIdShape } from './types.js';

export interface OpIdContext {
  seed: number;
  mode: OpIdMode;
  shape: OpIdShape;
  nodes: number;
}

/** The id of operation `op` (0: metadata load, 1: derived write) of the cycle at `slot`, on node `node`. */
export function opId(c: OpIdContext, node: number, slot: number, op: 0 | 1): string {
  const shared = c.mode === 'coordinator';
  const serial = slot * 2 + op;
  const index = shared ? serial : serial * c.nodes + node;
  switch (c.shape) {
    case 'hex6':
      return permute(index, 24, mix(c.seed, 71)).toString(16).padStart(6, '0');
    case 'req':
      return `req-${permute(index, 32, mix(c.seed, 72)).toString(16).padStart(8, '0')}`;
    case 'uuid':
      return uuidFrom(rngFor(c.seed, 73, shared ? -1 : node, slot, op));
    case 'jobnum': {
      // a job counter: sequential, the coordinator's or each node's own (starting elsewhere)
      const base = 1000 + (mix(c.seed, 74, shared ? -1 : node) % 40000);
      return `j-${base + serial}`;
    }
  }
}

/** The id of a repair session (8 hex digits). */
export const sessionId = (seed: number, spread: number): string => mix(seed, 75, spread).toString(16).padStart(8, '0');
