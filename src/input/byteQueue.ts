/**
 * A Readable of untrusted bytes as an async iterator whose errors are owned for the
 * stream's whole life. Node's own `for await` over a stream removes its listeners when the
 * loop stops early (a failed decoder, detection's head read, a file that ends the run), and
 * a zlib stream that fails after that has no listener left: its 'error' event then kills the
 * process. Here the listeners are attached once and never removed: an error is kept and
 * thrown by the next `next()`, after the chunks that came before it, or dropped silently
 * once the reader has closed the queue.
 *
 * Backpressure: the stream is paused while more than `highWater` bytes wait to be read.
 */
import type { Readable } from 'node:stream';

export class ByteQueue implements AsyncIterableIterator<Buffer> {
  private readonly chunks: Buffer[] = [];
  private head = 0;
  private queued = 0;
  private ended = false;
  private error: Error | null = null;
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(private readonly stream: Readable, private readonly highWater = 4 << 20) {
    stream.on('data', (b: Buffer | string) => {
      if (this.closed) return;
      const buf = typeof b === 'string' ? Buffer.from(b) : b;
      this.chunks.push(buf);
      this.queued += buf.length;
      if (this.queued >= this.highWater) stream.pause();
      this.signal();
    });
    stream.on('end', () => this.finish(null));
    stream.on('error', (e: Error) => this.finish(e));
    // Destroyed without 'end' or 'error' (by close(), or by whoever feeds it).
    stream.on('close', () => this.finish(null));
  }

  private finish(e: Error | null): void {
    if (e !== null && this.error === null && !this.closed) this.error = e;
    this.ended = true;
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async next(): Promise<IteratorResult<Buffer>> {
    for (;;) {
      if (this.head < this.chunks.length) {
        const b = this.chunks[this.head];
        this.chunks[this.head++] = EMPTY;
        if (this.head > 1024) {
          this.chunks.splice(0, this.head);
          this.head = 0;
        }
        this.queued -= b.length;
        if (this.queued < this.highWater && !this.ended && this.stream.isPaused()) this.stream.resume();
        return { value: b, done: false };
      }
      if (this.error !== null) {
        const e = this.error;
        this.error = null;
        this.closed = true;
        throw e;
      }
      if (this.ended || this.closed) return { value: undefined, done: true };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Stops reading: the stream is destroyed, what it still emits (an error too) is dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunks.length = 0;
    this.head = 0;
    this.queued = 0;
    this.stream.destroy();
    this.signal();
  }

  async return(): Promise<IteratorResult<Buffer>> {
    this.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

const EMPTY = Buffer.alloc(0);
