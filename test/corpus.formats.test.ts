/**
 * Every log file of the shared corpus ingests with a sensible detected format and the
 * accounting invariant of contract §2 (lines = events + continued + rejected + blank).
 * The list below is the expected file → format map; a corpus file missing from it fails
 * the test, so the list stays complete. Only non-log data falls back to `text`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, orderlineJson, sqlRows, tempDir } from './helpers/cli.js';

const present = existsSync(CORPUS);
if (!present) console.warn(`corpus.formats: skipped, ${CORPUS} is absent`);

const EXPECTED: Record<string, string> = {
  'cockroachdb/merge_logs_results_1.all.log': 'cockroach',
  'elasticsearch/es6-k8s-master-es-master-6f6449b7f-jwbcb.log': 'elasticsearch',
  'elasticsearch/es6-k8s-master-es-master-7bb68bd9d9-z6btz.log': 'elasticsearch',
  'etcd/rke-etcd-ks-9047366-docker-logs.log': 'jsonl',
  'etcd/rke-etcd-node-57-addback-prober-snippet.log': 'jsonl',
  'etcd/rke-etcd-snapshot-save.log': 'logrus',
  'etcd/rke-up-remove-node-67.log': 'logrus',
  'hdfs_v1_head/HDFS_v1_first145.log': 'hdfs',
  'jsonl/elasticsearch/elasticsearch-json.800.log': 'jsonl',
  'jsonl/elasticsearch/es7-test-json.log': 'jsonl',
  'jsonl/mongodb/mongodb-ubuntu-4.4.4-json.log': 'jsonl',
  'jsonl/otel/otlp-events.json': 'otlp',
  'jsonl/otel/otlp-logs.json': 'otlp',
  'kafka/controller-2.0.0.log': 'kafka',
  'kafka/server.log': 'kafka',
  'kafka/state-change-2.2.2.log': 'kafka-bracketed',
  'loghub/Apache/Apache_2k.log': 'apache-error',
  'loghub/BGL/BGL_2k.log': 'bgl',
  'loghub/HDFS/HDFS_2k.log': 'hdfs',
  'loghub/HPC/HPC_2k.log': 'hpc',
  'loghub/Hadoop/Hadoop_2k.log': 'hadoop',
  'loghub/Linux/Linux_2k.log': 'syslog',
  'loghub/OpenSSH/OpenSSH_2k.log': 'syslog',
  'loghub/OpenStack/OpenStack_2k.log': 'openstack',
  'loghub/Spark/Spark_2k.log': 'spark',
  'loghub/Thunderbird/Thunderbird_2k.log': 'thunderbird',
  'loghub/Zookeeper/Zookeeper_2k.log': 'zookeeper',
  'nezha/onlineboutique/2022-08-22-fault_list.json': 'json', // fault-injection ground truth, one JSON document
  'nezha/onlineboutique/rca_2022-08-22_05_19_log.csv': 'nezha-log-csv',
  'nezha/trainticket/2023-01-29-fault_list.json': 'json', // fault-injection ground truth, one JSON document
  'nezha/trainticket/construct_2023-01-29_08_50_log.csv': 'nezha-log-csv',
  'nezha/trainticket/rca_2023-01-29_09_21_log.csv': 'nezha-log-csv',
  'nezha/trainticket/rca_2023-01-29_09_21_trace.csv': 'nezha-trace-csv',
  'scylla/load_and_stream.log': 'scylla-sct-iso',
  'scylla/power_off.log': 'scylla-sct-iso',
  'scylla/system.log': 'scylla-sct',
  'scylla/system_core.log': 'syslog',
  'scylla/system_status_events.log': 'sct-event',
  'shiviz/RpcClientServer.log': 'shiviz-clock-first',
  'shiviz/chord.log': 'shiviz-clock-first',
  'shiviz/ewd998.log': 'tlc-shiviz',
  'shiviz/facebook-multiple-study.log': 'shiviz',
  'shiviz/facebook-multiple.log': 'shiviz',
  'shiviz/facebook-study.log': 'shiviz',
  'shiviz/facebook.log': 'shiviz',
  'shiviz/motifs.json': 'text', // ShiViz motif data (headings and clock lists), not a log
  'shiviz/multiple-comparison.log': 'shiviz',
  'shiviz/reliable-broadcast.log': 'akka',
  'shiviz/simple-reliable-broadcast.log': 'akka',
  'shiviz/simpledb.log': 'shiviz',
  'shiviz/tsviz_fslock_24t_4sp.log': 'shiviz',
  'shiviz/tsviz_shared_var_4_threads.log': 'shiviz',
  'shiviz/voldemort-simple-threadnames.log': 'shiviz',
  'shiviz/voldemort.log': 'shiviz',
};

/** Not logs: documentation, licences, and Loghub's ground-truth tables. */
const NOT_LOGS = /(\.md|\.txt|_structured\.csv|_templates\.csv)$/;

function corpusFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? corpusFiles(p) : NOT_LOGS.test(e.name) ? [] : [relative(CORPUS, p)];
  });
}

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Source { path: string; format: string; lines: number; events: number; rejected: number; blank: number; continued: number; error?: string }

describe.skipIf(!present)('every log file in the corpus', () => {
  const files = present ? corpusFiles(CORPUS).sort() : [];
  const db = join(tmp.dir, 'corpus.duckdb');
  let sources: Source[] = [];

  it('is listed here with the format it should get', () => {
    expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
  });

  it('ingests with its expected format and the accounting invariant', () => {
    const r = orderlineJson(['ingest', ...files.map((f) => join(CORPUS, f)), '--db', db, '--year', '2005']);
    expect(r.status, r.stderr).toBe(0);
    sources = r.doc.sources;
    const got = Object.fromEntries(sources.map((s) => [relative(CORPUS, s.path), s.format]));
    expect(got).toEqual(Object.fromEntries(files.map((f) => [f, EXPECTED[f]])));
    for (const s of sources) {
      expect({ path: s.path, balance: s.events + s.continued + s.rejected + s.blank }).toEqual({ path: s.path, balance: s.lines });
    }
    const broken = sqlRows(db, 'SELECT path FROM sources WHERE lines <> events + continued + rejected + blank');
    expect(broken).toEqual([]);
    console.log(['file → format (lines / events / continued / rejected)',
      ...sources.map((s) => `  ${relative(CORPUS, s.path)} → ${s.format} (${s.lines} / ${s.events} / ${s.continued} / ${s.rejected})`)].join('\n'));
  });

  it('rejects only what is no event: CSV header rows', () => {
    const rows = sqlRows<{ path: string; line: number; reason: string }>(db, 'SELECT s.path, r.line, r.reason FROM rejects r JOIN sources s USING (source_id) ORDER BY s.path');
    expect(rows.map((r) => [relative(CORPUS, r.path), r.line])).toEqual([
      ['nezha/onlineboutique/rca_2022-08-22_05_19_log.csv', 1],
      ['nezha/trainticket/construct_2023-01-29_08_50_log.csv', 1],
      ['nezha/trainticket/rca_2023-01-29_09_21_log.csv', 1],
      ['nezha/trainticket/rca_2023-01-29_09_21_trace.csv', 1],
    ]);
  });

  it('reads node, timestamp and vector clock where the logs carry them', () => {
    const q = (sql: string) => sqlRows(db, sql);
    // ShiViz family: events, events without a clock (delimiter and header lines), hosts
    expect(q(`SELECT regexp_extract(s.path, '[^/]+$') AS file, count(*) AS events,
        count(*) FILTER (WHERE e.vclock IS NULL) AS unclocked, count(DISTINCT e.node) AS nodes
      FROM events e JOIN sources s USING (source_id)
      WHERE regexp_extract(s.path, '[^/]+$') IN ('chord.log', 'voldemort.log', 'facebook-multiple.log', 'RpcClientServer.log', 'tsviz_fslock_24t_4sp.log', 'reliable-broadcast.log')
      GROUP BY ALL ORDER BY file`)).toEqual([
      { file: 'RpcClientServer.log', events: 11, unclocked: 1, nodes: 3 },
      { file: 'chord.log', events: 1235, unclocked: 0, nodes: 8 },
      { file: 'facebook-multiple.log', events: 90, unclocked: 2, nodes: 5 },
      { file: 'reliable-broadcast.log', events: 117, unclocked: 1, nodes: 4 },
      { file: 'tsviz_fslock_24t_4sp.log', events: 2001, unclocked: 0, nodes: 30 },
      { file: 'voldemort.log', events: 864, unclocked: 0, nodes: 20 },
    ]);
    expect(q(`SELECT min(e.ts) AS first FROM events e JOIN sources s USING (source_id) WHERE s.path LIKE '%/voldemort.log'`))
      .toEqual([{ first: '2013-05-24T23:28:00.637Z' }]);
    // CockroachDB merge-logs: the node prefix, and the gossip status continued over four lines
    expect(q(`SELECT e.node, e.message FROM events e JOIN sources s USING (source_id) WHERE s.format = 'cockroach' AND e.line = 3`)).toEqual([
      { node: 'test-0001', message: expect.stringMatching(/^gossip status \(ok, 3 nodes\)\ngossip client .*\n.*\n  2: .*\n  3: /) },
    ]);
    // Elasticsearch plain text: node from [node-name]
    expect(q(`SELECT DISTINCT e.node FROM events e JOIN sources s USING (source_id) WHERE s.path LIKE '%es-master-6f6449b7f-jwbcb.log'`))
      .toEqual([{ node: 'es-master-6f6449b7f-jwbcb' }]);
  });
});
