/**
 * Opens one input as a stream of decompressed bytes, hashing the stored bytes on the
 * way (sha256 of the file as it is on disk, before decompression).
 * gzip is recognised by its magic bytes, whatever the file is called.
 */
import { createReadStream } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { InputFile } from './expandPaths.js';

export interface OpenedInput {
  /** Decompressed bytes, in order. */
  chunks: AsyncIterable<Buffer>;
  compressed: boolean;
  /** Stored bytes read so far, and their hash once the stream has ended. */
  readonly storedBytes: number;
  sha256(): string;
}

const CHUNK = 1 << 20;

export async function openInput(file: InputFile): Promise<OpenedInput> {
  const raw: Readable = file.stdin ? process.stdin : createReadStream(file.path, { highWaterMark: CHUNK });
  const hash: Hash = createHash('sha256');
  let storedBytes = 0;
  const rawIter = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await rawIter.next();
  const firstChunk: Buffer | null = first.done ? null : toBuffer(first.value);

  async function* hashed(): AsyncGenerator<Buffer> {
    if (firstChunk === null) return;
    hash.update(firstChunk);
    storedBytes += firstChunk.length;
    yield firstChunk;
    for (;;) {
      const r = await rawIter.next();
      if (r.done) return;
      const b = toBuffer(r.value);
      hash.update(b);
      storedBytes += b.length;
      yield b;
    }
  }

  const compressed = firstChunk !== null && firstChunk.length >= 2 && firstChunk[0] === 0x1f && firstChunk[1] === 0x8b;
  let chunks: AsyncIterable<Buffer> = hashed();
  if (compressed) {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    // pipeline() destroys the gunzip stream with any read error, so iteration throws it.
    pipeline(Readable.from(hashed(), { objectMode: false }), gunzip, () => {});
    chunks = gunzip;
  }
  let digest: string | null = null;
  return {
    chunks,
    compressed,
    get storedBytes() { return storedBytes; },
    sha256() { return (digest ??= hash.digest('hex')); },
  };
}

function toBuffer(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v as string);
}
