/** The shape of bench/out/results.json and the medians it reports. */
import type { InferenceCost } from './multiFile.js';
import type { ScaleFailure, ScaleResult } from './scale.js';
import { median } from './stats.js';

export type Tool = 'orderline ingest' | 'duckdb read_json';

/** One measurement of one tool on one input in one run. */
export interface Sample {
  run: number;
  seconds: number;
  peakRssBytes: number | null;
  /** Events loaded (orderline) or rows created (DuckDB). */
  events: number;
  /** Size of the database file it left. */
  dbBytes: number;
}

export interface ToolResult {
  input: string;
  tool: Tool;
  /** The file the tool read (the baseline reads the NDJSON rendering of every input). */
  file: string;
  bytes: number;
  samples: Sample[];
  /** Medians over the samples. */
  seconds: number;
  mbPerSecond: number;
  eventsPerSecond: number;
  peakRssMb: number | null;
  /** orderline rows: its median time / the median time of the baseline measured beside it. */
  ratioToDuckdb: number | null;
}

export interface FollowUpSample {
  run: number;
  seconds: number;
  peakRssBytes: number | null;
  /** The ingest this ran after, same run. */
  ingestSeconds: number;
}

export interface FollowUpResult {
  input: string;
  label: string;
  samples: FollowUpSample[];
  seconds: number;
  peakRssMb: number | null;
  /** Median time / median time of the ingest that built the database. */
  ratioToIngest: number;
}

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; totalMemMb: number; node: string; loadAverageAtStart: number[] };
  corpus: { dir: string; bytesPerFile: number };
  runs: number;
  results: ToolResult[];
  followUps: FollowUpResult[];
  /** The multi-file follow-up (issue 8): a free-text incident in five files. */
  multiFile?: { incident: { dir: string; bytes: number; files: number; lines: number; envelopes: string[] }; results: { label: string; seconds: number; peakRssMb: number | null }[]; inferenceCost?: InferenceCost | null } | null;
  /** The archive-scale run (`--scale`), one entry per size; empty when not run. */
  scale?: ScaleResult[];
  /** Sizes of the archive-scale run whose ingest, read_json or inference failed (nothing after it ran). */
  scaleFailed?: ScaleFailure[];
  skipped: { input: string; file: string; reason: string }[];
  targets: { ndjsonRatioAtMost1: boolean | null; orderlinePeakRssUnder300Mb: boolean | null };
  notes: string[];
}

const MB = 1e6;

export function summarize(input: string, tool: Tool, file: string, bytes: number, samples: Sample[]): ToolResult {
  const seconds = median(samples.map((s) => s.seconds)) ?? NaN;
  const events = median(samples.map((s) => s.events)) ?? 0;
  const rss = samples.flatMap((s) => (s.peakRssBytes === null ? [] : [s.peakRssBytes]));
  const rssMedian = median(rss);
  return {
    input, tool, file, bytes, samples, seconds,
    mbPerSecond: bytes / MB / seconds,
    eventsPerSecond: events / seconds,
    peakRssMb: rssMedian === null ? null : rssMedian / MB,
    ratioToDuckdb: null,
  };
}

export function summarizeFollowUp(input: string, label: string, samples: FollowUpSample[]): FollowUpResult {
  const seconds = median(samples.map((s) => s.seconds)) ?? NaN;
  const rss = median(samples.flatMap((s) => (s.peakRssBytes === null ? [] : [s.peakRssBytes])));
  return {
    input, label, samples, seconds,
    peakRssMb: rss === null ? null : rss / MB,
    ratioToIngest: seconds / (median(samples.map((s) => s.ingestSeconds)) ?? NaN),
  };
}
