/**
 * The inference stage: steps, entity keys, operations, peers and versions recovered from free
 * text, where the lines do not carry them as fields. Set work runs in DuckDB (queries/infer_*.sql);
 * the decisions over the small tables it returns run here (templates.ts, roles.ts, operations.ts).
 *
 * Results are tables a user can read:
 * - `inferred_templates`: each template (first line, variable parts `<*>`, specialised ones folded
 *   in), its events and nodes, its op and phase and where they came from, which parameter is the key
 *   and which the operation id;
 * - `inferred_params`: each parameter of each template with its role (key, operation, peer,
 *   version, number, address, value) and the evidence (values, templates and nodes sharing them);
 * - `inferred_events`: per event its canonical template and the key, causal_id (operation id),
 *   peer and version it gets (its op, phase and peer direction are its template's).
 * `ingest` keeps them in the database (with `inference_state`, the fingerprint of the events they
 * were made from); a command that finds them missing or stale makes them again as temp tables.
 *
 * Every command then reads `events` through a temp view of the same name that fills the columns a
 * line left empty from inferred_events: fields the line carries and definitions always win, and an
 * event with an op of its own keeps its own phase. `--no-infer` reads the stored events as they are.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadRows } from '../db/load.js';
import { query } from '../db/rows.js';
import { loadSavedQuery, runSavedQuery } from '../queries/savedQuery.js';
import { inferSteps, type StepTemplate } from './operations.js';
import { movesData, peerDirection } from './peers.js';
import { inferRoles, type Overlap, type PairStat, type SlotRole, type SlotStat } from './roles.js';
import { mergeTemplates } from './templates.js';
import { tieAddresses, type AddressSlot, type AddressTies } from './addresses.js';
import { sqlString as lit } from '../db/sqlText.js';

/** Bumped when what inference makes changes: stored results of another version are made again. */
export const INFERENCE_VERSION = 4;

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export interface InferenceSummary {
  templates: number;
  events: number;
  keyed: number;
  withOp: number;
  /** Identifier slots compared on a sample of their values, operations ranked on a sample of their instances (see SampleAbove). */
  sampled: { slots: number; operations: number };
  /** Raw templates beyond maxTemplates, left out (their events keep what their lines say). */
  templatesLeftOut: number;
  /** Where the results are: the database (stored by ingest or infer) or temp tables of this run. */
  stored: boolean;
  fresh: boolean;
}

/** The stored events, whatever shadows the name `events`: a view of `<catalog>.main.events`. */
async function baseView(conn: DuckDBConnection): Promise<void> {
  const cat = String((await query(conn, 'SELECT current_database() AS c')).rows[0].c);
  await conn.run(`CREATE OR REPLACE TEMP VIEW events_base AS SELECT * FROM ${ident(cat)}.main.events`);
}

async function fingerprint(conn: DuckDBConnection): Promise<string> {
  const r = (await query(conn, 'SELECT count(*) AS n, coalesce(max(event_id), 0) AS m, coalesce(sum(source_id), 0) AS s FROM events_base')).rows[0];
  return `v${INFERENCE_VERSION}:${r.n}:${r.m}:${r.s}`;
}

async function tableExists(conn: DuckDBConnection, name: string, temporary: boolean): Promise<boolean> {
  // a view too: a Parquet dataset's stored inference (db/dataset.ts)
  const r = await query(conn, `SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name = ${lit(name)} AND temporary = ${temporary}) +
    (SELECT count(*) FROM duckdb_views() WHERE view_name = ${lit(name)} AND temporary = ${temporary})::INTEGER AS n`);
  return Number(r.rows[0].n) > 0;
}

/** Whether results made from exactly these events are at hand: stored in the database, or made earlier in this session. */
async function resultsAreFresh(conn: DuckDBConnection, fp: string): Promise<boolean> {
  for (const temporary of [true, false]) {
    if (!(await tableExists(conn, 'inference_state', temporary))) continue;
    const r = await query(conn, `SELECT fingerprint FROM ${temporary ? 'temp' : 'main'}.inference_state LIMIT 1`);
    if (r.rows[0]?.fingerprint === fp) return true;
  }
  return false;
}

/**
 * Where the statistics of a large archive are taken on a sample (queries/infer_slots.sql,
 * infer_order.sql): identifier slots with more values than `values` are compared with each other on
 * a hashed eighth of their values; operations with more step events than `events` are ranked on a
 * hashed eighth of their instances. Tests lower them to run the sampled paths on small incidents.
 */
export interface SampleAbove {
  values: number;
  events: number;
}

export interface InferenceOptions {
  store: boolean;
  sampleAbove?: SampleAbove;
  /** Raw templates merged and judged at most, the most frequent first (queries/infer_templates.sql; default 100,000). */
  maxTemplates?: number;
}

/** Runs the whole stage into temp tables inferred_*; with `store`, also keeps them in the database. */
export async function runInference(conn: DuckDBConnection, opts: InferenceOptions): Promise<InferenceSummary> {
  await baseView(conn);
  const fp = await fingerprint(conn);
  const raw = await runSavedQuery(conn, loadSavedQuery('infer_templates'), opts.maxTemplates ? { max_templates: opts.maxTemplates } : {});
  const leftOut = raw.rows.length > 0 ? Number(raw.rows[0].total) - raw.rows.length : 0;
  await conn.run('DROP TABLE IF EXISTS ol_inf_top');
  const nodes = new Set((await query(conn, 'SELECT DISTINCT node FROM ol_inf_raw')).rows.map((r) => String(r.node)));
  const merged = mergeTemplates(raw.rows.map((r) => ({ template: String(r.template), events: Number(r.events) })), { nodes });
  const ids = new Map<string, number>();
  for (const m of merged.values()) if (!ids.has(m.canonical)) ids.set(m.canonical, ids.size + 1);
  await loadRows(conn, 'ol_inf_templates', {"template_id":"INTEGER","template":"VARCHAR"},
    [...ids.entries()].map(([template, template_id]) => ({ template_id, template })));
  await loadRows(conn, 'ol_inf_map',
    {"raw_template":"VARCHAR","template_id":"INTEGER","src_raw":"INTEGER[]","src_lit":"VARCHAR[]","identity":"BOOLEAN"},
    [...merged.entries()].map(([rawTemplate, m]) => ({
      raw_template: rawTemplate, template_id: ids.get(m.canonical)!,
      src_raw: m.params.map((p) => ('raw' in p ? p.raw : null)), src_lit: m.params.map((p) => ('literal' in p ? p.literal : null)),
      // parameter i is raw parameter i, all of them: the events' parameters need no mapping
      identity: m.params.length === rawParamCount(rawTemplate) && m.params.every((p, i) => 'raw' in p && p.raw === i + 1),
    })));

  const slotRows = (await runSavedQuery(conn, loadSavedQuery('infer_slots'), opts.sampleAbove ? { sample_values: opts.sampleAbove.values } : {}, { skipRequired: true })).rows;
  const slots: SlotStat[] = slotRows.map((r) => ({
    templateId: Number(r.template_id), param: Number(r.param), template: String(r.template), events: Number(r.events), values: Number(r.values),
    nodes: Number(r.nodes), numeric: num(r.numeric), measure: num(r.measure), address: num(r.address), nodeName: num(r.node_name), vnum: num(r.vnum), recur: num(r.recur),
  }));
  const overlaps: Overlap[] = (await query(conn, 'SELECT * FROM ol_inf_overlap')).rows.map((r) => ({
    a: [Number(r.ta), Number(r.pa)], b: [Number(r.tb), Number(r.pb)], shared: Number(r.shared),
  }));
  const pairs: PairStat[] = (await query(conn, 'SELECT * FROM ol_inf_pairs')).rows.map((r) => ({
    templateId: Number(r.template_id), pa: Number(r.pa), pb: Number(r.pb), pairs: Number(r.pairs), va: Number(r.va), vb: Number(r.vb),
  }));
  // addresses the logs tie to a node (its own, or a host named after it): such a slot names peers too
  const templateText = new Map([...ids.entries()].map(([t, id]) => [id, t]));
  const { ties, ownSlots } = await addressTies(conn, slots, templateText);
  await loadRows(conn, 'ol_inf_addr', {"host":"VARCHAR","node":"VARCHAR"}, [...ties.entries()].map(([host, node]) => ({ host, node })));
  if (ties.size) {
    const shares = (await query(conn, `SELECT template_id, param, sum(n) FILTER (WHERE ol_addr_host(value) IN (SELECT host FROM ol_inf_addr)) / sum(n) AS tied
      FROM ol_inf_pv GROUP BY ALL`)).rows;
    const tied = new Map(shares.map((r) => [`${r.template_id}/${r.param}`, num(r.tied)]));
    for (const s of slots) {
      const t = tied.get(`${s.templateId}/${s.param}`) ?? 0;
      // a slot that holds each node's own address is no peer: it names its own node
      if (t > s.nodeName && !ownSlots.has(`${s.templateId}/${s.param}`)) s.nodeName = t;
    }
  }
  const totalNodes = Number((await query(conn, 'SELECT count(*) AS n FROM ol_inf_nodes')).rows[0].n);
  const roles = inferRoles(slots, overlaps, pairs, { totalNodes });

  // per template: its key, operation id, peer and version parameters
  const eventsOf = new Map<number, number>();
  for (const s of slots) eventsOf.set(s.templateId, Math.max(eventsOf.get(s.templateId) ?? 0, s.events));
  const byTemplate = new Map<number, SlotRole[]>();
  for (const r of roles) byTemplate.set(r.templateId, [...(byTemplate.get(r.templateId) ?? []), r]);
  const troles = [...byTemplate.entries()].map(([templateId, rs]) => {
    const template = templateText.get(templateId)!;
    const key = rs.find((r) => r.role === 'key');
    const op = rs.find((r) => r.role === 'operation');
    const peer = rs.find((r) => r.role === 'peer');
    const version = rs.find((r) => r.role === 'version');
    return {
      template_id: templateId, key_param: key?.param ?? null, op_param: op?.param ?? null, op_kind: op?.kind ?? null,
      peer_param: peer?.param ?? null, peer_dir: peer ? peerDirection(template, peer.param) : null,
      version_param: version && (key || movesData(template)) ? version.param : null,
    };
  });
  await loadRows(conn, 'ol_inf_ops', {"template_id":"INTEGER","op_param":"INTEGER","op_kind":"INTEGER"},
    troles.filter((t) => t.op_param !== null).map((t) => ({ template_id: t.template_id, op_param: t.op_param, op_kind: t.op_kind })));
  const ranks = new Map((await runSavedQuery(conn, loadSavedQuery('infer_order'), opts.sampleAbove ? { sample_events: opts.sampleAbove.events } : {}, { skipRequired: true })).rows
    .map((r) => [Number(r.template_id), Number(r.rank)]));
  const stepInput: StepTemplate[] = troles.map((t) => ({
    templateId: t.template_id, template: templateText.get(t.template_id)!, events: eventsOf.get(t.template_id) ?? 0,
    opKind: t.op_kind, opParam: t.op_param, keyed: t.key_param !== null,
  }));
  const steps = inferSteps(stepInput, ranks);
  const stepOf = new Map(steps.map((s) => [s.templateId, s]));
  await loadRows(conn, 'ol_inf_troles',
    {"template_id":"INTEGER","key_param":"INTEGER","op_param":"INTEGER","op_group":"INTEGER","peer_param":"INTEGER","peer_dir":"VARCHAR","version_param":"INTEGER"},
    troles.map((t) => ({ ...t, op_kind: undefined, op_group: stepOf.get(t.template_id)?.group ?? null })));
  await loadRows(conn, 'ol_inf_steps', {"template_id":"INTEGER","op":"VARCHAR","phase":"VARCHAR"},
    steps.map((s) => ({ template_id: s.templateId, op: s.op, phase: s.phase })));
  const applied = (await runSavedQuery(conn, loadSavedQuery('infer_apply'), {}, { skipRequired: true })).rows[0];
  const sampled = (await query(conn, `SELECT
      (SELECT count(*) FROM ol_inf_slots s SEMI JOIN ol_inf_idslots USING (template_id, param) WHERE s."values" > getvariable('sample_values')::BIGINT) AS slots,
      (SELECT count(*) FROM (SELECT o.op_kind FROM ol_inf_ops o JOIN ol_inf_slots s ON s.template_id = o.template_id AND s.param = o.op_param
        GROUP BY 1 HAVING sum(s.events) > getvariable('sample_events')::BIGINT)) AS operations`)).rows[0];

  // The readable tables.
  const trole = new Map(troles.map((t) => [t.template_id, t]));
  await loadRows(conn, 'inferred_templates',
    {"template_id":"INTEGER","template":"VARCHAR","events":"BIGINT","op":"VARCHAR","phase":"VARCHAR","phase_from":"VARCHAR","key_param":"INTEGER","op_param":"INTEGER","peer_param":"INTEGER","peer_direction":"VARCHAR","version_param":"INTEGER"},
    [...ids.entries()].map(([template, id]) => {
      const s = stepOf.get(id);
      const t = trole.get(id);
      return {
        template_id: id, template, events: eventsOf.get(id) ?? null, op: s?.op ?? null, phase: s?.phase ?? null, phase_from: s?.phaseFrom ?? null,
        key_param: t?.key_param ?? null, op_param: t?.op_param ?? null, peer_param: t?.peer_param ?? null,
        peer_direction: t?.peer_param != null ? t.peer_dir : null, version_param: t?.version_param ?? null,
      };
    }));
  await loadRows(conn, 'inferred_params',
    {"template_id":"INTEGER","template":"VARCHAR","param":"INTEGER","role":"VARCHAR","kind":"INTEGER","templates":"INTEGER","nodes":"INTEGER","values":"BIGINT","evidence":"VARCHAR"},
    roles.map((r) => ({
      template_id: r.templateId, template: templateText.get(r.templateId)!, param: r.param, role: r.role, kind: r.kind,
      templates: r.templates, nodes: r.nodes, values: r.values, evidence: r.evidence,
    })));
  // one row per event: written once, straight to where it stays
  await conn.run(`CREATE OR REPLACE ${opts.store ? 'TABLE main' : 'TEMP TABLE temp.main'}.inferred_events AS
    SELECT event_id, template_id, key, causal_id, peer, version FROM ol_inf_out`);
  for (const t of ['ol_inf_raw', 'ol_inf_rawt', 'ol_inf_top', 'ol_inf_ev', 'ol_inf_pv', 'ol_inf_out']) await conn.run(`DROP TABLE IF EXISTS ${t}`);

  const state = `SELECT ${lit(fp)} AS fingerprint, ${INFERENCE_VERSION} AS version, now()::TIMESTAMP AS made_at,
    ${Number(sampled.slots)} AS sampled_slots, ${Number(sampled.operations)} AS sampled_operations, ${leftOut} AS templates_left_out`;
  if (opts.store) {
    // a temp table of the same name (an earlier run of this session) would shadow the stored one
    await conn.run('DROP TABLE IF EXISTS temp.main.inferred_events');
    for (const t of ['inferred_templates', 'inferred_params']) {
      await conn.run(`CREATE OR REPLACE TABLE main.${t} AS SELECT * FROM temp.main.${t}`);
      await conn.run(`DROP TABLE temp.main.${t}`);
    }
    await conn.run(`CREATE OR REPLACE TABLE main.inference_state AS ${state}`);
  } else {
    await conn.run(`CREATE OR REPLACE TEMP TABLE inference_state AS ${state}`);
  }
  return {
    templates: ids.size, events: Number(applied.events), keyed: Number(applied.keyed), withOp: Number(applied.with_op),
    sampled: { slots: Number(sampled.slots), operations: Number(sampled.operations) }, templatesLeftOut: leftOut, stored: opts.store, fresh: true,
  };
}

/**
 * Makes `events` read through the inference: the stored results when they are fresh, else a run
 * of the stage into temp tables (stored too when `store`). Without `enabled`, `events` is the
 * stored table as it is.
 */
export async function useInference(conn: DuckDBConnection, opts: { enabled: boolean; store?: boolean; sampleAbove?: SampleAbove }): Promise<InferenceSummary | null> {
  await conn.run('DROP VIEW IF EXISTS temp.main.events');
  if (!opts.enabled) return null;
  await baseView(conn);
  const fp = await fingerprint(conn);
  let summary: InferenceSummary | null = null;
  if (await resultsAreFresh(conn, fp)) {
    summary = { templates: 0, events: 0, keyed: 0, withOp: 0, sampled: { slots: 0, operations: 0 }, templatesLeftOut: 0, stored: true, fresh: false };
  } else {
    summary = await runInference(conn, { store: opts.store ?? false, sampleAbove: opts.sampleAbove });
  }
  await conn.run(`CREATE OR REPLACE TEMP VIEW events AS
    SELECT e.event_id, e.source_id, e.line, e.node, e.ts, e.ts_corrected, e.level, e.component, e.thread, e.message,
      coalesce(t.template, e.template) AS template,
      coalesce(e.key, i.key) AS key,
      coalesce(e.op, t.op) AS op,
      CASE WHEN e.op IS NOT NULL THEN e.phase ELSE coalesce(e.phase, t.phase) END AS phase,
      coalesce(e.causal_id, i.causal_id) AS causal_id,
      e.seq, e.count, e.count_unit,
      coalesce(e.peer, i.peer) AS peer,
      CASE WHEN e.peer IS NOT NULL THEN e.peer_direction WHEN i.peer IS NOT NULL THEN t.peer_direction END AS peer_direction,
      coalesce(e.version, i.version) AS version,
      e.vclock, e.attrs
    FROM events_base e
    LEFT JOIN inferred_events i USING (event_id)
    LEFT JOIN inferred_templates t ON t.template_id = i.template_id`);
  return summary;
}

/** The hosts each node logged in each address slot, tied to nodes (infer/addresses.ts). */
async function addressTies(conn: DuckDBConnection, slots: readonly SlotStat[], texts: ReadonlyMap<number, string>): Promise<AddressTies> {
  const wanted = slots.filter((s) => s.address >= 0.5);
  if (wanted.length === 0) return { ties: new Map(), ownSlots: new Set() };
  const list = wanted.map((s) => `(${s.templateId}, ${s.param})`).join(', ');
  const rows = (await query(conn, `SELECT template_id, param, node, list(DISTINCT ol_addr_host(value) ORDER BY 1) AS hosts
    FROM ol_inf_pv WHERE (template_id, param) IN (${list}) GROUP BY ALL`)).rows;
  const bySlot = new Map<string, AddressSlot>();
  for (const r of rows) {
    const k = `${r.template_id}/${r.param}`;
    let slot = bySlot.get(k);
    if (!slot) bySlot.set(k, (slot = { templateId: Number(r.template_id), template: texts.get(Number(r.template_id)) ?? '', param: Number(r.param), hosts: new Map() }));
    slot.hosts.set(String(r.node), new Set((r.hosts as string[]).map(String)));
  }
  const nodes = (await query(conn, 'SELECT node FROM ol_inf_nodes')).rows.map((r) => String(r.node));
  return tieAddresses([...bySlot.values()], nodes);
}

/** How many parameters a raw template masked. */
function rawParamCount(rawTemplate: string): number {
  return rawTemplate.split('<*>').length - 1;
}

function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}
