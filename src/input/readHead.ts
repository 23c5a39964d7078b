/**
 * Takes the first bytes of a stream for format detection without losing them:
 * returns the head and an iterable that yields the head, then the rest.
 * A read error inside the head (a gzip file cut short) is held back until the bytes
 * before it have been yielded, so that the decoder reaches it at its true line.
 */
export interface Head {
  bytes: Buffer;
  /** The stream ended within the head. */
  ended: boolean;
  all: AsyncIterable<Buffer>;
}

export async function readHead(chunks: AsyncIterable<Buffer>, limit: number): Promise<Head> {
  const it = chunks[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let ended = false;
  let failure: { error: unknown } | null = null;
  while (size < limit) {
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (error) {
      failure = { error };
      break;
    }
    if (r.done) {
      ended = true;
      break;
    }
    parts.push(r.value);
    size += r.value.length;
  }
  const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  async function* all(): AsyncGenerator<Buffer> {
    if (bytes.length > 0) yield bytes;
    if (failure !== null) throw failure.error;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { bytes, ended, all: all() };
}
