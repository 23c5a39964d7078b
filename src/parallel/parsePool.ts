/**
 * `ingest --jobs N`: N parse workers (parseWorker.ts) parse files ahead while the main thread
 * loads them into DuckDB strictly in file order, so the tables do not depend on N: each source gets
 * its source id and event ids when its turn to load comes, exactly as with one job. A file is handed
 * to a worker only within a window of N files ahead of the one loading, and a worker stages at most
 * CHUNKS_AHEAD chunks ahead of the loader: disk and memory stay bounded whatever the archive.
 */
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { InputFile } from '../input/expandPaths.js';
import type { FromWorker, ToWorker, WorkerParseOptions } from './messages.js';

type Event = FromWorker;

/** The messages of one file, in the order the worker sent them. */
class Channel {
  private readonly queue: Event[] = [];
  private waiting: ((e: Event) => void) | null = null;

  put(e: Event): void {
    const w = this.waiting;
    if (w) {
      this.waiting = null;
      w(e);
    } else {
      this.queue.push(e);
    }
  }

  next(): Promise<Event> {
    const e = this.queue.shift();
    if (e) return Promise.resolve(e);
    return new Promise((r) => (this.waiting = r));
  }
}

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly channels = new Map<number, Channel>();
  private readonly owner = new Map<number, Worker>();
  private next = 0;
  /** Files before this index are loaded (or being loaded): the window starts here. */
  private loading = 0;

  constructor(private readonly files: readonly InputFile[], private readonly opts: WorkerParseOptions, jobs: number) {
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(new URL('./parseWorker.js', import.meta.url));
      w.on('message', (m: FromWorker) => this.onMessage(w, m));
      w.on('error', (e) => this.onCrash(w, e));
      this.workers.push(w);
      this.idle.push(w);
    }
    this.dispatch();
  }

  /** Whether file i is parsed by a worker (stdin is read on the main thread). */
  static inWorker(file: InputFile): boolean {
    return !file.stdin && file.error === undefined;
  }

  /** The next message of file i (parsed by a worker). */
  receive(i: number): Promise<Event> {
    return this.channel(i).next();
  }

  /** The main thread loaded a chunk of file i: its worker may stage one more. */
  ack(i: number): void {
    this.owner.get(i)?.postMessage({ type: 'ack', id: i } satisfies ToWorker);
  }

  /** Loading moves on to file i: the window of files handed out moves with it. */
  startLoading(i: number): void {
    this.loading = i;
    this.dispatch();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private channel(i: number): Channel {
    let c = this.channels.get(i);
    if (!c) this.channels.set(i, (c = new Channel()));
    return c;
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.next < this.files.length && this.next < this.loading + this.workers.length) {
      const i = this.next++;
      if (!ParsePool.inWorker(this.files[i])) continue;
      const w = this.idle.shift()!;
      this.owner.set(i, w);
      w.postMessage({ type: 'parse', id: i, file: this.files[i], opts: this.opts } satisfies ToWorker);
    }
  }

  private onMessage(w: Worker, m: FromWorker): void {
    this.channel(m.id).put(m);
    if (m.type === 'done' || m.type === 'error') {
      this.owner.delete(m.id);
      this.idle.push(w);
      this.dispatch();
    }
  }

  /** A worker that dies (out of memory, a bug) fails the file it held, and the pool goes on without it. */
  private onCrash(w: Worker, e: Error): void {
    for (const [i, owner] of this.owner) {
      if (owner !== w) continue;
      this.owner.delete(i);
      this.channel(i).put({ type: 'error', id: i, message: `${this.files[i].path}: the parse worker died: ${e.message}`, format: '', dir: null });
    }
    const at = this.workers.indexOf(w);
    if (at >= 0) this.workers.splice(at, 1);
    if (this.workers.length === 0) {
      // nothing left to parse with: every file not handed out yet fails the same way
      for (let i = this.next; i < this.files.length; i++) {
        this.channel(i).put({ type: 'error', id: i, message: `${this.files[i].path}: no parse worker left (${e.message})`, format: '', dir: null });
      }
      this.next = this.files.length;
    }
  }
}

/** Removes a worker's chunk folder for a file. */
export function removeStage(dir: string | null): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
