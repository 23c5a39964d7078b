/**
 * The Nezha TrainTicket logs (../shared/corpus/nezha/trainticket): a healthy window
 * ("construct", 08:50) and a fault window ("rca", 09:21; ts-basic-service gets a `return`
 * fault injected, see 2023-01-29-fault_list.json). Both ingest as CSV (node = pod), and
 * queries/compare_windows.sql compares them per service. Skips when the corpus is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, orderline, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const DIR = join(CORPUS, 'nezha', 'trainticket');
const HEALTHY = join(DIR, 'construct_2023-01-29_08_50_log.csv');
const FAULT = join(DIR, 'rca_2023-01-29_09_21_log.csv');
const present = existsSync(HEALTHY) && existsSync(FAULT);
if (!present) console.warn(`corpus.nezha: skipped, the Nezha corpus is not at ${DIR}`);

const tmp = tempDir('orderline-nezha-');
afterAll(() => tmp.cleanup());
const db = join(tmp.dir, 'nezha.duckdb');

describe.skipIf(!present)('Nezha TrainTicket: healthy vs fault window', () => {
  // Detection gives these files the Nezha definition (parsers/nezha-log-csv.json, see corpus.formats);
  // here the generic csv format reads them, to show it needs no dataset-specific definition.
  it('ingests both log CSVs with the generic csv format: one event per row, the header a reject, node = pod', () => {
    const r = orderlineJson(['ingest', HEALTHY, FAULT, '--db', db, '--format', 'csv']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.doc.sources.map((s: any) => [s.format, s.lines, s.events, s.rejected])).toEqual([
      ['csv', 2490, 2489, 1],
      ['csv', 831, 830, 1],
    ]);
    expect(sqlRows(db, 'SELECT count(*) AS bad FROM sources WHERE lines <> events + continued + rejected + blank')).toEqual([{ bad: 0 }]);
    // The Log column is a Docker json-file line; its `log` became the message, Node (the k8s host) went to attrs.
    expect(sqlRows(db, `SELECT e.node, e.message, e.attrs->>'Node' AS host, e.causal_id FROM events e JOIN sources s USING (source_id)
      WHERE s.path = '${FAULT}' AND e.line = 2`)).toEqual([{
      node: 'ts-order-service-5b67c48447-mv5hb',
      message: '17:20:54.004 INFO  o.s.OrderServiceImpl#365 TraceID: a49350ad2972418a7cf5b5eb15504823 SpanID: 18fab717fdf274b6 [getOrderById][Get Order By ID Success][OrderId: 2b1477d5-5115-465e-ac4c-fa18066dd851]',
      host: '33.33.33.76',
      causal_id: 'a49350ad2972418a7cf5b5eb15504823',
    }]);
    expect(sqlRows(db, 'SELECT count(DISTINCT node) AS pods FROM events')).toEqual([{ pods: 25 }]);
  });

  it('compare_windows puts ts-basic-service, the pod the fault list names for 09:21, first', () => {
    const faults = JSON.parse(readFileSync(join(DIR, '2023-01-29-fault_list.json'), 'utf8')) as Record<string, Array<{ inject_time: string; inject_pod: string }>>;
    const injected = Object.values(faults).flat().find((f) => f.inject_time.endsWith('09:21:39'))!.inject_pod;
    expect(injected).toBe('ts-basic-service-5dc8d4f9fd-46997');

    const r = orderline(['query', 'compare_windows', '--db', db, '--param', 'healthy=%construct%', '--param', 'fault=%rca%', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(25);
    expect(rows[0]).toMatchObject({
      service: 'ts-basic-service', nodes: injected,
      healthy_events: 424, fault_events: 176, healthy_errors: 0, fault_errors: 27, excess_errors: 27,
      new_templates: 2, new_error_templates: 2,
      first_fault_error_ts: '2023-01-29T09:20:11.366246Z',
    });
    expect(rows[0].top_new_template).toMatch(/No instances available for ts-train-service/);
    // The next one is its caller, failing on /api/v1/basicservice.
    expect(rows[1]).toMatchObject({ service: 'ts-travel-service', fault_errors: 10, healthy_errors: 0 });
  });

  it('the other analyses run on it and find what little there is', () => {
    expect(orderlineJson(['anomalies', '--db', db]).doc).toEqual({ anomalies: [] }); // no counts in these logs
    const skew = orderlineJson(['skew', '--db', db]).doc;
    expect(skew.reference).toBe('ts-basic-service-5dc8d4f9fd-46997');
    expect(skew.nodes.every((n: any) => n.basis === null || n.basis === 'reference' || n.basis === 'causal_id')).toBe(true);
  });
});
