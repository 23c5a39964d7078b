/**
 * What the report renderers read: the report document (report.json, contract §7) plus,
 * per finding, what the pictures need: the broken and a healthy node's timelines, the
 * events of that key on every node (HTML swimlanes) and its propagation hops.
 * Renderers are pure functions of this model; `src/investigate.ts` builds it from the database.
 */
import { z } from 'zod';
import {
  reportDoc,
  type Finding,
  type PropagationDoc,
  type ReportDoc,
  type TimelineDoc,
  type TimelineEvent,
} from '../analyses/shapes.js';

/** Where the report came from: printed at its top and kept in report.json as `meta`. */
export const reportMeta = z.object({
  tool: z.string().describe('orderline and its version'),
  generated_at: z.string().describe('ISO-8601 UTC time the report was written'),
  inputs: z.array(z.string()).describe('the PATH arguments'),
  replica_dumps: z.record(z.string(), z.string()).describe('replica name → dump file'),
  sources: z.number().int().describe('files ingested'),
  events: z.number().int(),
  rejected: z.number().int(),
  nodes: z.array(z.string()),
  failed_sources: z.array(z.string()).describe('one line per file that failed to load'),
  database: z.string().optional().describe('the incident database, as the commands the report prints name it'),
});
export type ReportMeta = z.infer<typeof reportMeta>;

/** report.json: the §7 document, plus `meta` (an addition the contract allows). */
export const reportFile = reportDoc.extend({ meta: reportMeta.optional() });
export type ReportFile = z.infer<typeof reportFile>;

/** What the pictures of one finding need besides the finding itself. */
export interface FindingDetail {
  /** The broken node (`node`) beside a healthy one (`vs`), aligned by (op, phase); null when not known. */
  timeline: TimelineDoc | null;
  /** Events of the finding's key on every node, in time order (each node one swimlane). */
  keyEvents: TimelineEvent[];
  /** How a version of the finding's key travelled between nodes, when it did. */
  propagation: PropagationDoc | null;
}

export interface ReportModel {
  doc: ReportDoc;
  meta: ReportMeta;
  /** Parallel to `doc.findings`. */
  details: FindingDetail[];
}

/** A finding with its details, the unit the renderers iterate over. */
export interface FindingView extends FindingDetail {
  index: number;
  finding: Finding;
}

/**
 * How many findings the reports draw in full (timeline, diagram, swimlanes), and so how many
 * `investigate` fetches details for; report.json always holds them all.
 */
export const MAX_DRAWN_FINDINGS = 20;

/** The findings drawn in full: the first MAX_DRAWN_FINDINGS. */
export function findingViews(model: ReportModel): FindingView[] {
  return model.doc.findings.slice(0, MAX_DRAWN_FINDINGS).map((finding, index) => ({
    index,
    finding,
    ...(model.details[index] ?? { timeline: null, keyEvents: [], propagation: null }),
  }));
}

/** A report with nothing found: the model of an investigation whose analyses found nothing. */
export function emptyReportDoc(): ReportDoc {
  return {
    replicas: { summary: { agree: 0, one_differs: 0, all_differ: 0 }, keys: [] },
    invariants: [],
    findings: [],
    anomalies: [],
    propagation: [],
    affected: [],
  };
}

/** The report.json document of a model. */
export function reportFileOf(model: ReportModel): ReportFile {
  return { ...model.doc, meta: model.meta };
}
