/**
 * Holds the latest event open so that continuation lines (stack traces, wrapped
 * messages) can join it, and hands it to the sink when the next event starts.
 */
import type { EventRow } from '../event.js';
import type { EventSink } from './types.js';

export class EventAssembler {
  private open: EventRow | null = null;

  constructor(private readonly sink: EventSink) {}

  start(ev: EventRow): void {
    if (this.open !== null) this.sink.event(this.open);
    this.open = ev;
  }

  /** Joins a line to the open event's message; false when no event is open. */
  continueWith(text: string): boolean {
    const ev = this.open;
    if (ev === null) return false;
    ev.message = ev.message === null ? text : `${ev.message}\n${text}`;
    this.sink.continuation();
    return true;
  }

  end(): void {
    if (this.open !== null) this.sink.event(this.open);
    this.open = null;
  }
}

/** Lines that start with white space continue the event before them. */
export function startsWithSpace(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 32 || c === 9;
}

const CONTROL = /[\x00-\x08\x0e-\x1f\x7f]/;

/** Printable text (no control characters but tab): worth keeping as a text event. */
export function isText(text: string): boolean {
  return !CONTROL.test(text);
}
