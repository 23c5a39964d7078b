/**
 * Noise: the unkeyed lines a busy replica writes between its pipeline lines. Compaction, GC
 * pauses, gossip/handshakes naming the other nodes, queue and latency counters, slow-query
 * warnings, ERROR lines followed by a Java stack trace, and garbage (a line of binary bytes).
 * None of them names an entity key or an operation id.
 */
import type { Comp } from './components.js';
import { hex, int, pick } from './hash.js';
import type { Level } from './types.js';
import type { Service } from './vocabulary.js';

export interface NoiseLine {
  level: Level;
  comp: Comp;
  kind: string;
  text: string;
  stack?: string[];
}

const table = (rnd: () => number) => `ks-${int(rnd, 1, 4)}/tbl-${int(rnd, 1, 9)}`;

export function compaction(rnd: () => number, svc: Service): NoiseLine {
  const before = int(rnd, 4_000, rnd() < 0.8 ? 400_000 : 90_000_000);
  const pct = int(rnd, 4, 96);
  const after = Math.floor((before * pct) / 100);
  return {
    level: 'INFO', comp: 'compaction', kind: 'compacted',
    text: `Compacted ${int(rnd, 2, 32)} sstables to [${svc.dataDir}/${table(rnd)}]. ${before} bytes to ${after} (~${pct}% of original)`,
  };
}

const GC_CAUSES = ['G1 Evacuation Pause', 'G1 Evacuation Pause', 'G1 Evacuation Pause', 'G1 Humongous Allocation', 'G1 Preventive Collection', 'Metadata GC Threshold'];

export function gcPause(rnd: () => number): NoiseLine {
  const ms = rnd() < 0.95 ? int(rnd, 2, 60) : int(rnd, 200, 1400);
  return { level: ms >= 200 ? 'WARN' : 'INFO', comp: 'gc', kind: 'gc', text: `GC pause (${pick(rnd, GC_CAUSES)}) ${ms}ms` };
}

export function gossip(rnd: () => number, peer: string): NoiseLine {
  const r = rnd();
  if (r < 0.45) return { level: 'INFO', comp: 'gossip', kind: 'handshake', text: `Handshake with ${peer} completed in ${int(rnd, 1, 30)} ms` };
  if (r < 0.85) return { level: 'DEBUG', comp: 'gossip', kind: 'heartbeat', text: `Heartbeat from ${peer} after ${int(rnd, 900, 1100)} ms` };
  return { level: 'INFO', comp: 'repair', kind: 'repair-empty', text: `Repair session ${hex(rnd, 8)} with ${peer} finished: 0 ranges out of sync` };
}

export const peerUp = (peer: string): NoiseLine => ({ level: 'INFO', comp: 'gossip', kind: 'up', text: `Gossip: ${peer} is UP` });
export const peerDown = (peer: string): NoiseLine => ({ level: 'INFO', comp: 'gossip', kind: 'down', text: `Gossip: ${peer} is DOWN` });
export const handshake = (rnd: () => number, peer: string): NoiseLine =>
  ({ level: 'INFO', comp: 'gossip', kind: 'handshake', text: `Handshake with ${peer} completed in ${int(rnd, 1, 30)} ms` });

export function counter(rnd: () => number): NoiseLine {
  const r = rnd();
  if (r < 0.4) return { level: 'DEBUG', comp: 'queue', kind: 'queue-depth', text: `Write queue depth ${int(rnd, 0, rnd() < 0.9 ? 60 : 4000)}` };
  if (r < 0.75) return { level: 'INFO', comp: 'queue', kind: 'latency', text: `Read latency p99 ${int(rnd, 1, 90)}.${int(rnd, 0, 9)} ms` };
  return { level: 'DEBUG', comp: 'queue', kind: 'pending', text: `Pending compactions: ${int(rnd, 0, 14)}` };
}

export function warning(rnd: () => number, peer: string): NoiseLine {
  if (rnd() < 0.6) return { level: 'WARN', comp: 'query', kind: 'slow-query', text: `Slow query on ${table(rnd)} took ${int(rnd, 500, 9000)} ms` };
  return { level: 'WARN', comp: 'net', kind: 'dropped-hints', text: `Dropped ${int(rnd, 1, 40)} hint messages for ${peer} in the last 5000 ms` };
}

/** An ERROR line and the Java stack trace that follows it. */
export function failure(rnd: () => number, peer: string, svc: Service): NoiseLine {
  const r = svc.javaRoot;
  const ln = () => int(rnd, 40, 900);
  const runWorker = [
    '\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)',
    '\tat java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)',
    '\tat java.base/java.lang.Thread.run(Thread.java:840)',
  ];
  const k = rnd();
  if (k < 0.4) {
    return {
      level: 'ERROR', comp: 'net', kind: 'hint-failure',
      text: `Failed to deliver hints to ${peer}`,
      stack: [
        'java.io.IOException: Connection reset by peer',
        '\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)',
        '\tat java.base/sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:47)',
        `\tat ${r}.net.OutboundConnection.flush(OutboundConnection.java:${ln()})`,
        `\tat ${r}.net.MessagingService.deliver(MessagingService.java:${ln()})`,
        `\tat ${r}.hints.HintsDispatcher.dispatch(HintsDispatcher.java:${ln()})`,
        ...runWorker,
        'Caused by: java.net.SocketException: Broken pipe',
        '\tat java.base/sun.nio.ch.NioSocketImpl.implWrite(NioSocketImpl.java:425)',
        `\tat ${r}.net.OutboundConnection.write(OutboundConnection.java:${ln()})`,
        `\t... ${int(rnd, 3, 9)} more`,
      ],
    };
  }
  if (k < 0.75) {
    const t = table(rnd);
    return {
      level: 'ERROR', comp: 'compaction', kind: 'compaction-failure',
      text: `Unexpected exception during compaction of ${t}`,
      stack: [
        `java.lang.IllegalStateException: sstable ${svc.dataDir}/${t}/nb-${int(rnd, 1, 9000)}-big-Data.db is already marked compacting`,
        `\tat ${r}.db.lifecycle.Tracker.tryModify(Tracker.java:${ln()})`,
        `\tat ${r}.db.compaction.CompactionTask.runMayThrow(CompactionTask.java:${ln()})`,
        `\tat ${r}.utils.WrappedRunnable.run(WrappedRunnable.java:28)`,
        '\tat java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)',
        ...runWorker,
      ],
    };
  }
  return {
    level: 'ERROR', comp: 'repair', kind: 'read-repair-failure',
    text: `Exception in read repair with ${peer}`,
    stack: [
      `java.util.concurrent.ExecutionException: ${r}.net.RequestTimeoutException: Operation timed out after ${int(rnd, 2, 10) * 1000} ms`,
      '\tat java.base/java.util.concurrent.FutureTask.report(FutureTask.java:122)',
      '\tat java.base/java.util.concurrent.FutureTask.get(FutureTask.java:205)',
      `\tat ${r}.repair.ReadRepair.awaitResponses(ReadRepair.java:${ln()})`,
      ...runWorker,
      `Caused by: ${r}.net.RequestTimeoutException: Operation timed out after 2000 ms`,
      `\tat ${r}.net.RequestCallbacks.onExpired(RequestCallbacks.java:${ln()})`,
      `\t... ${int(rnd, 2, 6)} more`,
    ],
  };
}

/**
 * A line of binary bytes (a torn write, a disk block of something else): starts `\x00\x01`, holds
 * bytes that are not UTF-8, never a newline, carriage return or escape.
 */
export function binaryGarbage(rnd: () => number): Buffer {
  const n = int(rnd, 8, 48);
  const b = Buffer.alloc(n);
  b[0] = 0x00;
  b[1] = 0x01;
  for (let i = 2; i < n; i++) {
    let v = Math.floor(rnd() * 256);
    if (v === 0x0a || v === 0x0d || v === 0x1b) v = 0x00;
    b[i] = v;
  }
  b[2 + Math.floor(rnd() * (n - 2))] = 0xff;
  return b;
}
