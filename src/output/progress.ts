/**
 * The progress bar of long ingests, on stderr: bytes read of all inputs, bytes and events
 * per second, files done, ETA. Drawn only when stderr is a terminal and not under --json,
 * at most 10 times a second, and cleared at the end. `renderProgress` is the pure text;
 * `ProgressBar` decides when to draw it; `ingestProgress` wires it to ingest's hooks.
 */
import type { IngestOptions } from '../ingest.js';

export interface ProgressState {
  /** Stored bytes read so far, over all files. */
  bytes: number;
  /** Stored bytes of all inputs, or null when unknown (stdin). */
  totalBytes: number | null;
  events: number;
  filesDone: number;
  filesTotal: number;
  elapsedMs: number;
}

const BAR = 20;
const MIN_REDRAW_MS = 100;

/** `1.5 MB`, `312 kB`, `2.0 GB` (powers of 1000, as the benchmarks count). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** `950`, `12.3k`, `1.2M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** `0:07`, `12:30`, `1:02:03`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One line of progress text, at most `width` characters: the bar goes first when space is short. */
export function renderProgress(p: ProgressState, width = 100): string {
  const secs = p.elapsedMs / 1000;
  const rates = secs >= 0.2;
  const known = p.totalBytes !== null && p.totalBytes > 0;
  const share = known ? Math.min(1, p.bytes / p.totalBytes!) : 0;
  const full = Math.round(share * BAR);
  const bar = `${'█'.repeat(full)}${'░'.repeat(BAR - full)}`;
  const rest: string[] = [];
  if (known) rest.push(`${Math.floor(share * 100)}%`, `${formatBytes(p.bytes)} / ${formatBytes(p.totalBytes!)}`);
  else rest.push(formatBytes(p.bytes));
  rest.push(rates ? `${formatBytes(p.bytes / secs)}/s` : '…/s');
  rest.push(rates ? `${formatCount(p.events / secs)} events/s` : '… events/s');
  rest.push(`files ${p.filesDone}/${p.filesTotal}`);
  if (known) rest.push(rates && p.bytes > 0 ? `ETA ${formatEta(((p.totalBytes! - p.bytes) / p.bytes) * secs)}` : 'ETA …');
  const withBar = `ingest ${known ? `${bar} ` : ''}${rest.join('  ')}`;
  if (withBar.length <= width) return withBar;
  const line = `ingest ${rest.join('  ')}`;
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

export interface ProgressOutput {
  write(s: string): unknown;
  columns?: number;
}

/** Keeps the counts and redraws the line at most every 100 ms. */
export class ProgressBar {
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private state: ProgressState;
  /** Bytes and events of the files finished, and of the file being read. */
  private doneBytes = 0;
  private doneEvents = 0;

  constructor(private readonly out: ProgressOutput, private readonly now: () => number = () => performance.now()) {
    this.started = now();
    this.state = { bytes: 0, totalBytes: null, events: 0, filesDone: 0, filesTotal: 0, elapsedMs: 0 };
  }

  start(files: number, totalBytes: number | null): void {
    this.state.filesTotal = files;
    this.state.totalBytes = totalBytes;
    this.draw(true);
  }

  /** Called per chunk of the current file: must stay cheap. */
  update(fileBytes: number, fileEvents: number): void {
    const t = this.now();
    if (t - this.lastDraw < MIN_REDRAW_MS) return;
    this.state.bytes = this.doneBytes + fileBytes;
    this.state.events = this.doneEvents + fileEvents;
    this.draw(false, t);
  }

  fileDone(size: number, events: number): void {
    this.doneBytes += size;
    this.doneEvents += events;
    this.state.filesDone++;
    this.state.bytes = this.doneBytes;
    this.state.events = this.doneEvents;
    this.draw(false);
  }

  /** Removes the line (before a message, or at the end). */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    this.lastDraw = -Infinity;
  }

  private draw(force: boolean, t = this.now()): void {
    if (!force && t - this.lastDraw < MIN_REDRAW_MS) return;
    this.lastDraw = t;
    this.state.elapsedMs = t - this.started;
    const width = Math.max(20, (this.out.columns || 100) - 1);
    this.out.write(`\r${renderProgress(this.state, width)}\x1b[K`);
    this.drawn = true;
  }
}

type ProgressHooks = Pick<IngestOptions, 'onStart' | 'onProgress' | 'onFileDone'> & { warn: (m: string) => void; finish(): void };

/**
 * Ingest hooks that draw a progress bar on stderr when it is a terminal and `json` is off;
 * otherwise hooks that draw nothing. `warn` writes a message without garbling the bar.
 */
export function ingestProgress(json: boolean | undefined, warn: (m: string) => void, stream: NodeJS.WriteStream = process.stderr): ProgressHooks {
  if (json || !stream.isTTY) return { warn, finish() {} };
  const bar = new ProgressBar(stream);
  return {
    onStart: (p) => bar.start(p.files, p.totalBytes),
    onProgress: (p) => bar.update(p.bytes, p.events),
    onFileDone: (p) => bar.fileDone(p.size, p.events),
    warn: (m) => {
      bar.clear();
      warn(m);
    },
    finish: () => bar.clear(),
  };
}
