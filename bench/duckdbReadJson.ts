/**
 * The baseline child: DuckDB's own NDJSON reader into a fresh file database, run in its
 * own Node process (as orderline is) so both pay process start-up and are measured alike.
 * Usage: node duckdbReadJson.js FILE.ndjson DB.duckdb — prints {"rows":N}.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../src/db/sqlText.js';

const [file, dbPath] = process.argv.slice(2);
if (!file || !dbPath) {
  process.stderr.write('usage: duckdbReadJson.js FILE.ndjson DB.duckdb\n');
  process.exit(2);
}

const instance = await DuckDBInstance.create(dbPath);
const conn = await instance.connect();
await conn.run(`CREATE TABLE t AS SELECT * FROM read_json(${sqlString(file)}, format = 'newline_delimited')`);
await conn.run('CHECKPOINT');
const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
conn.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ rows })}\n`);
