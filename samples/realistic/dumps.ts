/**
 * Replica dumps: each node's final `key, value, version, writetime` per key, in key order.
 * A healthy key holds its last cycle's value and version, written at that node's last write.
 * A raced key, on the racing node and on every node the repair reached, holds the raced write's
 * value (computed from the previous cycle's entities), its bad version and its writetime (repair
 * carries the cell as written): the bad version is above every later healthy version, so the
 * later cycles' writes do not replace it.
 */
import { isoMs } from './clock.js';
import { writeCompletedUs } from './cycle.js';
import { badVersion, entities, valueOf, version, type Plan } from './plan.js';
import type { RealisticSink } from './sink.js';

export interface DumpRow {
  key: string;
  value: string;
  version: number;
  writetime: string;
}

/** Whether this node ends up holding the raced (bad) value of key k. */
export function holdsBad(plan: Plan, n: number, k: number): boolean {
  const race = plan.raceByKey.get(k);
  if (!race) return false;
  return race.nodeIdx === n || (plan.spreadByKey.get(k)?.to.includes(n) ?? false);
}

export function dumpRow(plan: Plan, n: number, k: number): DumpRow {
  const key = plan.keys[k];
  const race = plan.raceByKey.get(k);
  if (race && holdsBad(plan, n, k)) {
    return {
      key, value: valueOf(key, entities(plan, k, race.cycle - 1)), version: badVersion(plan, k),
      writetime: isoMs(Math.floor(writeCompletedUs(plan, race.nodeIdx, race.slot) / 1000)),
    };
  }
  const last = plan.cycles[k];
  return {
    key, value: valueOf(key, entities(plan, k, last)), version: version(plan, k, last),
    writetime: isoMs(Math.floor(writeCompletedUs(plan, n, plan.lastSlot[k]) / 1000)),
  };
}

export function writeDump(plan: Plan, n: number, sink: RealisticSink): void {
  const format = plan.nodes[n].dump;
  if (format === 'csv') sink.text('key,value,version,writetime\n');
  if (format === 'json') sink.text('[\n');
  for (let k = 0; k < plan.keys.length; k++) {
    const r = dumpRow(plan, n, k);
    switch (format) {
      case 'ndjson':
        sink.text(`${JSON.stringify(r)}\n`);
        break;
      case 'json':
        sink.text(`  ${JSON.stringify(r)}${k + 1 < plan.keys.length ? ',' : ''}\n`);
        break;
      case 'csv':
        sink.text(`${r.key},"${r.value.replaceAll('"', '""')}",${r.version},${r.writetime}\n`);
        break;
    }
  }
  if (format === 'json') sink.text(']\n');
  sink.close();
}
