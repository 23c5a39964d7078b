/**
 * A parse worker (`ingest --jobs N`): parses the files the main thread hands it, one at a time,
 * with the same code as the main thread (parseSource.ts), staging CSV chunk files in its own temp
 * folder; the main thread loads them into DuckDB in file order and removes them.
 */
import { parentPort } from 'node:worker_threads';
import { loadFormats } from '../formats.js';
import type { Format } from '../decode/types.js';
import { ChunkStager } from '../load/chunkStager.js';
import { TimeZone } from '../normalize/timestamp.js';
import { parseSource, SourceError, describe } from '../parseSource.js';
import { CHUNKS_AHEAD, type FromWorker, type ToWorker, type WorkerParseOptions } from './messages.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const formatsByDir = new Map<string, Promise<Format[]>>();
/** The file being parsed, and its chunks the main thread has not loaded yet. */
let current = -1;
let outstanding = 0;
let wake: (() => void) | null = null;

async function parse(id: number, msg: Extract<ToWorker, { type: 'parse' }>): Promise<void> {
  const opts: WorkerParseOptions = msg.opts;
  let stager: ChunkStager | null = null;
  try {
    const key = opts.formatsDir ?? '';
    if (!formatsByDir.has(key)) formatsByDir.set(key, loadFormats(opts.formatsDir));
    const formats = await formatsByDir.get(key)!;
    const zone = TimeZone.parse(opts.zone);
    if (!zone) throw new Error(`unknown time zone ${opts.zone}`);
    stager = new ChunkStager();
    current = id;
    outstanding = 0;
    let posted = 0;
    const parsed = await parseSource(msg.file, { formats, format: opts.format, node: opts.node, zone, year: opts.year, maxLineBytes: opts.maxLineBytes }, stager, {
      async chunk(chunk) {
        post({ type: 'chunk', id, chunk });
        outstanding++;
        while (outstanding >= CHUNKS_AHEAD) await new Promise<void>((r) => (wake = r));
      },
      progress(bytes, events) {
        if (bytes - posted < 4 << 20) return;
        posted = bytes;
        post({ type: 'progress', id, bytes, events });
      },
    });
    post({ type: 'done', id, parsed, last: stager.cut(), dir: stager.dir });
  } catch (e) {
    const message = e instanceof SourceError ? e.message : `${msg.file.path}: start: ${describe(e)}`;
    post({ type: 'error', id, message, format: e instanceof SourceError ? e.format : '', dir: stager?.dir ?? null });
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'ack') {
    if (m.id !== current) return; // a chunk of a file parsed before: no longer counted
    outstanding--;
    const w = wake;
    wake = null;
    w?.();
  } else {
    void parse(m.id, m);
  }
});
