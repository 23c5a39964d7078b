/**
 * Opens one input as a stream of decompressed bytes, hashing the stored bytes on the
 * way (sha256 of the file as it is on disk, before decompression).
 * gzip is recognised by its magic bytes, whatever the file is called.
 *
 * Every stream here (the file or stdin, and the gunzip stream) is read through a ByteQueue,
 * which owns its errors for its whole life: a truncated or corrupt .gz fails the read that
 * reaches it, with its own error, whoever stopped reading first and whenever zlib notices.
 * `close()` stops everything and is safe at any time, more than once.
 */
import { createReadStream } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ByteQueue } from './byteQueue.js';
import type { InputFile } from './expandPaths.js';

export interface OpenedInput {
  /** Decompressed bytes, in order; read once. */
  chunks: AsyncIterable<Buffer>;
  compressed: boolean;
  /** Stored bytes read so far, and their hash once the stream has ended. */
  readonly storedBytes: number;
  sha256(): string;
  /** Stops reading and releases the file. */
  close(): void;
}

const CHUNK = 1 << 20;

export async function openInput(file: InputFile): Promise<OpenedInput> {
  const raw = new ByteQueue(file.stdin ? process.stdin : createReadStream(file.path, { highWaterMark: CHUNK }));
  const hash: Hash = createHash('sha256');
  let storedBytes = 0;
  const stored = (b: Buffer): Buffer => {
    hash.update(b);
    storedBytes += b.length;
    return b;
  };
  let first: Buffer | null;
  try {
    const r = await raw.next();
    first = r.done ? null : r.value;
  } catch (e) {
    raw.close();
    throw e;
  }
  const compressed = first !== null && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  let digest: string | null = null;
  const opened = (chunks: AsyncIterable<Buffer>, close: () => void): OpenedInput => ({
    chunks,
    compressed,
    get storedBytes() { return storedBytes; },
    sha256() { return (digest ??= hash.digest('hex')); },
    close,
  });

  if (!compressed) {
    async function* plain(): AsyncGenerator<Buffer> {
      if (first === null) return;
      yield stored(first);
      for (;;) {
        const r = await raw.next();
        if (r.done) return;
        yield stored(r.value);
      }
    }
    return opened(plain(), () => raw.close());
  }

  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const out = new ByteQueue(gunzip);
  // Feeds the stored bytes to gunzip with backpressure; a read error fails gunzip (and so the reader).
  void (async () => {
    try {
      let b: Buffer | null = first;
      while (b !== null && !gunzip.destroyed) {
        if (!gunzip.write(stored(b))) await drained(gunzip);
        const r = await raw.next();
        b = r.done ? null : r.value;
      }
      if (!gunzip.destroyed) gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  })();
  return opened(out, () => {
    raw.close();
    out.close();
  });
}

/** Resolves when the stream can take more, or is gone. */
function drained(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}
