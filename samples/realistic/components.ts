/**
 * The parts of the service that log, and how each envelope names them: a Java logger and thread
 * (log4j, Elasticsearch), a Go source file and line (zap `caller`, klog), a component name (logfmt,
 * zap). One log statement has one caller line, as in real code.
 */
import { hashString } from './hash.js';
import type { Service } from './vocabulary.js';

export type Comp =
  | 'loader' | 'writer' | 'publisher' | 'cache' | 'quota' | 'repair' | 'gossip'
  | 'compaction' | 'gc' | 'queue' | 'server' | 'net' | 'query';

interface CompInfo {
  pkg: string;
  cls: string;
  /** `%d` is the worker number (1..pool); pool 0: a single named thread. */
  thread: string;
  pool: number;
  goFile: string;
  name: string;
}

const COMPONENTS: Record<Comp, CompInfo> = {
  loader: { pkg: 'metadata', cls: 'MetadataLoader', thread: 'metadata-loader-%d', pool: 4, goFile: 'metadata/loader.go', name: 'loader' },
  writer: { pkg: 'derived', cls: 'DerivedWriter', thread: 'derived-writer-%d', pool: 4, goFile: 'derived/writer.go', name: 'writer' },
  publisher: { pkg: 'derived', cls: 'Publisher', thread: 'publisher-%d', pool: 2, goFile: 'derived/publish.go', name: 'publisher' },
  cache: { pkg: 'cache', cls: 'ReadCache', thread: 'cache-refresh-%d', pool: 2, goFile: 'cache/cache.go', name: 'cache' },
  quota: { pkg: 'quota', cls: 'QuotaGuard', thread: 'quota-%d', pool: 2, goFile: 'quota/guard.go', name: 'quota' },
  repair: { pkg: 'repair', cls: 'RepairSession', thread: 'AntiEntropyStage:%d', pool: 2, goFile: 'repair/session.go', name: 'repair' },
  gossip: { pkg: 'gms', cls: 'Gossiper', thread: 'GossipStage:%d', pool: 1, goFile: 'gossip/gossiper.go', name: 'gossip' },
  compaction: { pkg: 'db.compaction', cls: 'CompactionTask', thread: 'CompactionExecutor:%d', pool: 4, goFile: 'storage/compaction.go', name: 'compaction' },
  gc: { pkg: 'service', cls: 'GCInspector', thread: 'Service Thread', pool: 0, goFile: 'runtime/gcmon.go', name: 'gc' },
  queue: { pkg: 'metrics', cls: 'QueueMonitor', thread: 'ScheduledTasks:%d', pool: 1, goFile: 'metrics/queue.go', name: 'metrics' },
  server: { pkg: 'service', cls: 'Daemon', thread: 'main', pool: 0, goFile: 'cmd/daemon/main.go', name: 'server' },
  net: { pkg: 'net', cls: 'MessagingService', thread: 'Messaging-EventLoop-3-%d', pool: 4, goFile: 'net/messaging.go', name: 'net' },
  query: { pkg: 'query', cls: 'QueryProcessor', thread: 'Native-Transport-Requests-%d', pool: 8, goFile: 'query/processor.go', name: 'query' },
};

export interface CompNames {
  /** Elasticsearch's abbreviated logger: `o.l.m.MetadataLoader`. */
  esLogger: string;
  goFile: string;
  goBase: string;
  name: string;
  thread(worker: number): string;
}

/** The names of every component of a service. */
export function componentNames(service: Service): Record<Comp, CompNames> {
  const out = {} as Record<Comp, CompNames>;
  for (const [comp, c] of Object.entries(COMPONENTS) as [Comp, CompInfo][]) {
    const full = `${service.javaRoot}.${c.pkg}.${c.cls}`.split('.');
    const esLogger = [...full.slice(0, -1).map((p) => p[0]), full[full.length - 1]].join('.');
    const threads = c.pool === 0 ? [c.thread] : Array.from({ length: c.pool }, (_, i) => c.thread.replace('%d', String(i + 1)));
    out[comp] = {
      esLogger,
      goFile: c.goFile,
      goBase: c.goFile.slice(c.goFile.lastIndexOf('/') + 1),
      name: c.name,
      thread: (w) => threads[w % threads.length],
    };
  }
  return out;
}

const callerLines = new Map<string, number>();

/** The source line of the log statement that writes messages of this kind. */
export function callerLine(kind: string): number {
  let n = callerLines.get(kind);
  if (n === undefined) {
    n = 40 + (hashString(kind) % 460);
    callerLines.set(kind, n);
  }
  return n;
}
