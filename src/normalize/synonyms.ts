/**
 * Field names that fill each canonical column, matched case-insensitively
 * (contract §3 lists the minimum; the rest are common in the wild).
 * Dotted names match flat dotted keys (`"log.level"`) and nested objects
 * (`{"log": {"level": …}}`) alike.
 */
export type Slot =
  | 'ts' | 'node' | 'level' | 'component' | 'thread' | 'message' | 'key' | 'op' | 'phase'
  | 'causal_id' | 'seq' | 'count' | 'count_unit' | 'peer' | 'peer_in' | 'peer_out'
  | 'peer_direction' | 'version' | 'vclock' | 'pod' | 'syslog_priority';

export const SYNONYMS: Record<Slot, readonly string[]> = {
  // journalctl -o json: __REALTIME_TIMESTAMP (µs), _HOSTNAME, MESSAGE, PRIORITY, SYSLOG_IDENTIFIER
  ts: ['ts', 'time', 'timestamp', '@timestamp', 't', 'datetime', 'date', 'eventtime', 'timeunixnano', 'time_unix_nano', '__realtime_timestamp'],
  node: ['node', 'host', 'hostname', 'instance', 'node_name', 'nodename', 'node.name', 'host.name', 'host.hostname', 'service.instance.id', '_hostname'],
  level: ['level', 'lvl', 'severity', 'severitytext', 'severity_text', 'loglevel', 'log.level', 'levelname', 's'],
  // syslog severity numbers 0 (emerg) to 7 (debug), as journald's PRIORITY carries them
  syslog_priority: ['priority'],
  message: ['msg', 'message', 'body', 'log.message', 'event.original', 'log'],
  component: ['logger', 'component', 'module', 'caller', 'logger_name', 'loggername', 'log.logger', 'c', 'class', 'syslog_identifier'],
  thread: ['thread', 'goroutine', 'thread_name', 'threadname', 'process.thread.name', 'ctx'],
  key: ['key', 'entity', 'entity_key', 'partition_key', 'record_key', 'entity_id'],
  op: ['op', 'operation', 'action', 'task', 'event.action'],
  phase: ['phase', 'stage', 'state_transition', 'lifecycle'],
  causal_id: ['trace_id', 'traceid', 'trace', 'request_id', 'requestid', 'correlation_id', 'correlationid',
    'operation_id', 'span_trace', 'trace.id', 'req_id', 'x_request_id'],
  seq: ['seq', 'sequence', 'seq_no', 'seqno', 'offset', 'lsn', 'zxid'],
  count: ['count'],
  count_unit: ['count_unit', 'unit'],
  peer: ['peer'],
  peer_in: ['from_node', 'source_node', 'src_node'],
  peer_out: ['to_node', 'target_node', 'dest_node'],
  peer_direction: ['peer_direction', 'direction'],
  version: ['version', 'ver'],
  vclock: ['vclock', 'vector_clock', 'clock'],
  // A Kubernetes pod names the process better than the host it runs on: a pod field
  // fills `node` even when a node/host field of the same record came first (that value
  // then stays in attrs under its own name).
  pod: ['pod', 'podname', 'pod_name', 'k8s.pod.name'],
};

const LOOKUP = new Map<string, Slot>();
for (const [slot, names] of Object.entries(SYNONYMS) as [Slot, readonly string[]][]) {
  for (const n of names) LOOKUP.set(n, slot);
}

/** Prefixes under which nested objects are searched for dotted synonyms. */
export const NESTED_PREFIXES: ReadonlySet<string> = new Set(
  [...LOOKUP.keys()].filter((k) => k.includes('.')).map((k) => k.slice(0, k.indexOf('.'))),
);

export function slotOfLower(lowerName: string): Slot | undefined {
  return LOOKUP.get(lowerName);
}
