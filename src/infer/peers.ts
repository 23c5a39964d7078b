/**
 * The direction of a peer named in a message: this node received from it (`in`) or sent to it
 * (`out`). The word before the peer decides (`from r5` in, `to r1` out); else the verb of the
 * message does (received / pulled / fetched … in; sent / streamed / pushed … out); `with r2`
 * alone says nothing (null).
 */
import { templateWords } from './phases.js';
import { wordBefore } from './roles.js';

const IN_WORDS = new Set(['from', 'by', 'of']);
const OUT_WORDS = new Set(['to', 'towards', 'into', 'onto', 'for']);
const IN_VERBS = new Set(['received', 'receiving', 'receive', 'got', 'pulled', 'pulling', 'fetched', 'fetching', 'applied', 'accepted', 'downloaded', 'imported', 'restored', 'synced']);
const OUT_VERBS = new Set(['sent', 'sending', 'send', 'streamed', 'streaming', 'pushed', 'pushing', 'forwarded', 'forwarding', 'replicated', 'replicating', 'shipped', 'transferred', 'uploaded', 'exported']);

export function peerDirection(template: string, param: number): 'in' | 'out' | null {
  const before = wordBefore(template, param);
  if (IN_WORDS.has(before)) return 'in';
  if (OUT_WORDS.has(before)) return 'out';
  if (before === 'with') return null;
  for (const w of templateWords(template)) {
    if (IN_VERBS.has(w)) return 'in';
    if (OUT_VERBS.has(w)) return 'out';
  }
  return null;
}

/** A message that moves data between nodes (its peer is a hop's other end), by its verbs. */
export function movesData(template: string): boolean {
  return templateWords(template).some((w) => IN_VERBS.has(w) || OUT_VERBS.has(w) || w === 'repair' || w === 'streamed' || w === 'stream');
}
