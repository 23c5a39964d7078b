/**
 * Envelopes: how one log event (time, level, component, message, optional stack trace) becomes
 * bytes in a node's file. The message text is the same in every envelope (JSON and logfmt quote it).
 * A stack trace follows the envelope's convention:
 * - `java` (log4j, elasticsearch, plain): the trace's own lines after the event line, as Java
 *   prints them (`java.io.IOException: …`, tab-indented `at …`, `Caused by: …`, `... 3 more`);
 * - `aligned` (journald short formats, syslog, klog): every trace line indented by spaces to the
 *   column where the message started, as `journalctl` prints a multi-line MESSAGE;
 * - `embedded` (zap, journald-json, logfmt): inside the message, joined by `\n`, escaped by the
 *   JSON/logfmt quoting, so the event stays one physical line.
 */
import { Clock, ms3, us6 } from './clock.js';
import { callerLine, type Comp, type CompNames } from './components.js';
import { mix } from './hash.js';
import type { Envelope, Level } from './types.js';
import type { Service } from './vocabulary.js';

export interface LineEvent {
  /** µs since the epoch, on the node's (skewed) clock. */
  t: number;
  level: Level;
  comp: Comp;
  /** What kind of message (a step or noise kind): fixes the caller line. */
  kind: string;
  /** Worker number: picks the thread of a pool. */
  w: number;
  text: string;
  stack?: string[];
}

export interface RenderContext {
  node: string;
  service: Service;
  names: Record<Comp, CompNames>;
  pid: number;
  clock: Clock;
  /** journald: boot id, machine id, boot time (µs), sequence number id and the next entry number. */
  bootId: string;
  machineId: string;
  bootUs: number;
  seqnumId: string;
  entry: number;
}

type Precision = 'sec' | 'ms' | 'us';

export const PRECISION: Record<Envelope, Precision> = {
  log4j: 'ms',
  zap: 'us',
  logfmt: 'ms',
  'journald-short-precise': 'us',
  elasticsearch: 'ms',
  'journald-short-iso': 'sec',
  'journald-short-iso-precise': 'us',
  'journald-json': 'us',
  syslog: 'sec',
  plain: 'ms',
  klog: 'us',
};

type TraceStyle = 'java' | 'aligned' | 'embedded';
const TRACE: Record<Envelope, TraceStyle> = {
  log4j: 'java',
  zap: 'embedded',
  logfmt: 'embedded',
  'journald-short-precise': 'aligned',
  elasticsearch: 'java',
  'journald-short-iso': 'aligned',
  'journald-short-iso-precise': 'aligned',
  'journald-json': 'embedded',
  syslog: 'aligned',
  plain: 'java',
  klog: 'aligned',
};

/** The time a line prints, in ms (seconds-only envelopes print .000). */
export const printedMs = (env: Envelope, us: number): number =>
  PRECISION[env] === 'sec' ? Math.floor(us / 1e6) * 1000 : Math.floor(us / 1000);

/** The log file name of a node writing through this envelope. */
export function logFileName(env: Envelope, service: Service): string {
  switch (env) {
    case 'log4j': return 'system.log';
    case 'elasticsearch': return `${service.cluster}.log`;
    case 'zap':
    case 'logfmt':
    case 'klog': return `${service.daemon}.log`;
    case 'plain': return `${service.daemon}.out`;
    case 'syslog': return 'syslog';
    case 'journald-json': return 'journal.json';
    case 'journald-short-precise':
    case 'journald-short-iso':
    case 'journald-short-iso-precise': return 'journal.log';
  }
}

/** How many physical lines the event takes in this envelope. */
export const physicalLines = (env: Envelope, e: LineEvent): number =>
  TRACE[env] === 'embedded' || !e.stack ? 1 : 1 + e.stack.length;

const PRIORITY: Record<Level, string> = { ERROR: '3', WARN: '4', INFO: '6', DEBUG: '7' };
const LOWER: Record<Level, string> = { ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug' };
const PADDED: Record<Level, string> = { ERROR: 'ERROR', WARN: 'WARN ', INFO: 'INFO ', DEBUG: 'DEBUG' };
const KLOG: Record<Level, string> = { ERROR: 'E', WARN: 'W', INFO: 'I', DEBUG: 'I' };

const logfmtValue = (s: string): string => (s === '' || /[\s"=\\]/.test(s) ? JSON.stringify(s) : s);

/** zap's epoch-float seconds: shortest decimal of the µs time. */
function epochFloat(us: number): string {
  const sec = Math.floor(us / 1e6);
  const frac = us6(us).replace(/0+$/, '');
  return frac === '' ? String(sec) : `${sec}.${frac}`;
}

/** The bytes of one event (every physical line ends with `\n`). */
export function render(env: Envelope, c: RenderContext, e: LineEvent): string {
  const k = c.clock.set(e.t);
  const n = c.names[e.comp];
  const style = TRACE[env];
  const message = style === 'embedded' && e.stack ? `${e.text}\n${e.stack.join('\n')}` : e.text;
  let head: string;
  switch (env) {
    case 'log4j':
      head = `${k.date} ${k.time},${ms3(e.t)} ${PADDED[e.level]} [${n.thread(e.w)}] `;
      break;
    case 'elasticsearch':
      head = `[${k.date}T${k.time},${ms3(e.t)}][${PADDED[e.level]}][${n.esLogger.padEnd(25)}] [${c.node}] `;
      break;
    case 'plain':
      head = `${k.date}T${k.time}.${ms3(e.t)}Z ${e.level} `;
      break;
    case 'syslog':
      head = `${k.mon} ${k.dayPad} ${k.time} ${c.node} ${c.service.daemon}[${c.pid}]: `;
      break;
    case 'journald-short-precise':
      head = `${k.mon} ${k.dd} ${k.time}.${us6(e.t)} ${c.node} ${c.service.daemon}[${c.pid}]: `;
      break;
    case 'journald-short-iso':
      head = `${k.date}T${k.time}+0000 ${c.node} ${c.service.daemon}[${c.pid}]: `;
      break;
    case 'journald-short-iso-precise':
      head = `${k.date}T${k.time}.${us6(e.t)}+00:00 ${c.node} ${c.service.daemon}[${c.pid}]: `;
      break;
    case 'klog':
      head = `${KLOG[e.level]}${k.mmdd} ${k.time}.${us6(e.t)} ${String(c.pid).padStart(7)} ${n.goBase}:${callerLine(e.kind)}] `;
      break;
    case 'logfmt':
      return `ts=${k.date}T${k.time}.${ms3(e.t)}Z level=${LOWER[e.level]} caller=${n.goBase}:${callerLine(e.kind)} msg=${logfmtValue(message)} component=${n.name}\n`;
    case 'zap':
      return `{"level":"${LOWER[e.level]}","ts":${epochFloat(e.t)},"caller":"${n.goFile}:${callerLine(e.kind)}","msg":${JSON.stringify(message)},"component":"${n.name}"}\n`;
    case 'journald-json': {
      const mono = e.t - c.bootUs;
      const entry = c.entry++;
      const x = mix(c.entry, c.pid, e.t % 1e6).toString(16).padStart(8, '0') + mix(entry, e.t % 1e9).toString(16).padStart(8, '0');
      const cursor = `s=${c.seqnumId};i=${entry.toString(16)};b=${c.bootId};m=${mono.toString(16)};t=${e.t.toString(16)};x=${x}`;
      const d = c.service.daemon;
      return `{"__CURSOR":"${cursor}","__REALTIME_TIMESTAMP":"${e.t}","__MONOTONIC_TIMESTAMP":"${mono}","_BOOT_ID":"${c.bootId}",` +
        `"_TRANSPORT":"journal","PRIORITY":"${PRIORITY[e.level]}","SYSLOG_FACILITY":"3","SYSLOG_IDENTIFIER":"${d}","_PID":"${c.pid}",` +
        `"_UID":"998","_GID":"998","_COMM":"${d}","_EXE":"/usr/bin/${d}","_SYSTEMD_UNIT":"${d}.service","_HOSTNAME":"${c.node}",` +
        `"_MACHINE_ID":"${c.machineId}","MESSAGE":${JSON.stringify(message)}}\n`;
    }
  }
  let out = `${head}${e.text}\n`;
  if (e.stack) {
    if (style === 'java') for (const l of e.stack) out += `${l}\n`;
    else {
      const pad = ' '.repeat(head.length);
      for (const l of e.stack) out += `${pad}${l}\n`;
    }
  }
  return out;
}
