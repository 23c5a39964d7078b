/**
 * Lifecycle phases: `queued`, `started`, `completed`, `failed`, or the logged word
 * (lower-cased) when none fits (contract §2).
 */
// No prototype: `phase=constructor` must find nothing, not Object.prototype.constructor.
const WORDS: Record<string, string> = Object.assign(Object.create(null), {
  queued: 'queued', queue: 'queued', enqueue: 'queued', enqueued: 'queued', pending: 'queued',
  scheduled: 'queued', schedule: 'queued', submitted: 'queued', submit: 'queued', waiting: 'queued',
  started: 'started', start: 'started', starting: 'started', begin: 'started', began: 'started',
  begun: 'started', running: 'started', run: 'started', executing: 'started', applying: 'started',
  completed: 'completed', complete: 'completed', done: 'completed', finished: 'completed',
  finish: 'completed', end: 'completed', ended: 'completed', succeeded: 'completed',
  success: 'completed', ok: 'completed', applied: 'completed', committed: 'completed',
  failed: 'failed', fail: 'failed', failure: 'failed', error: 'failed', aborted: 'failed',
  abort: 'failed', timeout: 'failed', 'timed out': 'failed', cancelled: 'failed', canceled: 'failed',
});

export function normalizePhase(raw: string): string {
  const lower = raw.trim().toLowerCase();
  return WORDS[lower] ?? lower;
}
