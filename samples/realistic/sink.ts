/**
 * Where generated files go: memory (generateRealistic), a file written in ~1 MB chunks
 * (writeRealistic: a 1 GB log is never held whole), or nowhere but a byte count (sizing probes).
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface RealisticSink {
  text(s: string): void;
  bytes(b: Buffer): void;
  /** Flushes everything; `written` is then the file's size. */
  close(): void;
  readonly written: number;
}

const CHUNK_CHARS = 1 << 20;

/** Buffers text up to about a megabyte before handing it on. */
abstract class ChunkedSink implements RealisticSink {
  private pending: string[] = [];
  private pendingChars = 0;
  written = 0;
  protected abstract out(b: Buffer | string): void;

  text(s: string): void {
    this.pending.push(s);
    this.pendingChars += s.length;
    if (this.pendingChars >= CHUNK_CHARS) this.flush();
  }

  bytes(b: Buffer): void {
    this.flush();
    this.out(b);
    this.written += b.length;
  }

  protected flush(): void {
    if (this.pending.length === 0) return;
    const s = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.written += Buffer.byteLength(s);
    this.out(s);
  }

  close(): void {
    this.flush();
  }
}

export class MemorySink extends ChunkedSink {
  private parts: Buffer[] = [];
  protected out(b: Buffer | string): void {
    this.parts.push(typeof b === 'string' ? Buffer.from(b) : b);
  }
  buffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class FileSink extends ChunkedSink {
  private fd: number;
  constructor(path: string) {
    super();
    this.fd = openSync(path, 'w');
  }
  protected out(b: Buffer | string): void {
    const buf = typeof b === 'string' ? Buffer.from(b) : b;
    for (let off = 0; off < buf.length;) off += writeSync(this.fd, buf, off, buf.length - off);
  }
  override close(): void {
    super.close();
    closeSync(this.fd);
  }
}

/** Counts bytes and keeps nothing. */
export class CountingSink extends ChunkedSink {
  protected out(): void {}
}
