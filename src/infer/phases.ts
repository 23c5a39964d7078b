/**
 * A step's lifecycle phase from the words of its template. A word of the lists wins wherever it
 * stands: `Enqueued …`, `… derived write queued` → queued; `Began …`, `Starting …`, `… started` →
 * started; `Finished …`, `… written from …`, `… done` → completed; `Failed …`, `… timed out` →
 * failed. Else the first verb form does: in -ing it reads as started (`Loading …`), in -ed as
 * completed (`Loaded …`, `Cache warmed …`) — after the lists, so that an adjective (`derived
 * write queued`) does not decide. Parameters (`<*>`) and the words of small grammar (for, of,
 * to …) are skipped. null when no word names a phase.
 */

const QUEUED = new Set([
  'enqueued', 'enqueue', 'enqueuing', 'enqueueing', 'queued', 'queue', 'queueing', 'queuing', 'scheduled', 'schedule', 'scheduling',
  'submitted', 'submit', 'submitting', 'pending', 'waiting', 'deferred', 'planned', 'accepted',
]);
const STARTED = new Set([
  'started', 'start', 'starting', 'began', 'begin', 'beginning', 'begun', 'running', 'run', 'executing', 'processing',
  'launched', 'launching', 'initiated', 'initiating', 'opened', 'opening', 'resumed', 'resuming', 'entering', 'entered',
]);
const COMPLETED = new Set([
  'completed', 'complete', 'completing', 'finished', 'finish', 'done', 'succeeded', 'success', 'successful', 'successfully', 'ended', 'end', 'ok',
  'written', 'wrote', 'sent', 'built', 'made', 'taken', 'got', 'gotten', 'found', 'read', 'kept', 'held', 'set', 'put', 'shown', 'drawn', 'known',
  'given', 'gone', 'run', 'won', 'stored', 'closed', 'exited', 'returned', 'ready',
]);
const FAILED = new Set([
  'failed', 'fail', 'failing', 'failure', 'error', 'errored', 'aborted', 'abort', 'rejected', 'timeout', 'cancelled', 'canceled',
  'crashed', 'panic', 'panicked', 'exception', 'refused', 'denied', 'unable', 'lost',
]);
/** Words that carry no phase, even when they look like a verb form. */
const SKIP = new Set([
  'for', 'of', 'to', 'from', 'with', 'on', 'in', 'at', 'by', 'the', 'a', 'an', 'and', 'or', 'is', 'are', 'was', 'were', 'be', 'been',
  'id', 'task', 'job', 'request', 'op', 'session', 'key', 'node', 'version', 'ver', 'new', 'old', 'bed', 'red', 'need', 'seed', 'speed', 'feed',
  'thing', 'string', 'nothing', 'something', 'anything', 'everything', 'ping', 'ring', 'king', 'spring', 'during', 'evening', 'morning',
]);

/** The phase a word of the lists names (lower case), else null. */
export function listedPhase(w: string): string | null {
  if (SKIP.has(w)) return null;
  if (QUEUED.has(w)) return 'queued';
  if (STARTED.has(w)) return 'started';
  if (COMPLETED.has(w)) return 'completed';
  return null;
}

/** The phase a verb form names (-ing started, -ed completed), else null. */
export function formPhase(w: string): string | null {
  if (SKIP.has(w)) return null;
  if (w.length >= 5 && w.endsWith('ing')) return 'started';
  if (w.length >= 4 && w.endsWith('ed')) return 'completed';
  return null;
}

/** The words of a template: parameters and punctuation dropped, lower case. */
export function templateWords(template: string): string[] {
  return template
    .split(/\s+/)
    .filter((t) => !t.includes('<*>'))
    .map((t) => t.toLowerCase().replace(/^[^a-z]+|[^a-z]+$/g, ''))
    .filter((t) => /^[a-z]+$/.test(t));
}

export function phaseOf(template: string): string | null {
  // A failure anywhere in the first words wins: "Load of X timed out", "Could not write X".
  const words = templateWords(template);
  for (const w of words.slice(0, 6)) if (FAILED.has(w) || w === 'timed') return 'failed';
  for (const w of words) {
    const p = listedPhase(w);
    if (p !== null) return p;
  }
  for (const w of words) {
    const p = formPhase(w);
    if (p !== null) return p;
  }
  return null;
}
