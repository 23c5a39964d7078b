/** Command-line options of `npm run bench` (node dist/bench/run.js). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SIZE_UNITS } from '../src/db/memory.js';
import { UsageError } from '../src/errors.js';
import { INPUTS } from './inputs.js';
import { DEFAULT_INCIDENT_BYTES } from './multiFile.js';
import { DEFAULT_GENERATOR, DEFAULT_OUT } from './paths.js';

export interface BenchOptions {
  /** Bytes per corpus file. */
  bytes: number;
  runs: number;
  /** Holds the corpus folders, scratch databases and results.json. */
  out: string;
  generator: string;
  /** Bytes of the multi-file free-text incident (0: not run). */
  incidentBytes: number;
  /** Only the multi-file follow-up, not the single-file ingest comparison. */
  incidentOnly: boolean;
  /** `--inputs`: the corpus inputs to time (labels); null: all. */
  inputs: string[] | null;
  /** `--scale`: sizes in bytes of the archive-scale run (one NDJSON file each); empty: not run. */
  scale: number[];
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [--big] [--runs N] [--bytes N] [--out DIR] [--generator PATH]
                        [--incident-bytes N] [--incident-only] [--inputs LABELS] [--scale SIZES]

Times orderline ingest of the seeded benchmark corpus (NDJSON, logfmt, …) against DuckDB's
read_json of the same events into a file database, each in its own Node process, and
reports the median of N runs: seconds, MB/s, events/s, peak RSS and the time ratio.

  --big              about 1 GB per file (bench/out/bench-1g) instead of 100 MB
  --runs N           measurements of each tool per input, median reported (default 3)
  --bytes N          another corpus size, in bytes per file
  --out DIR          corpus, scratch databases and results.json (default bench/out)
  --generator PATH   the corpus generator (default ../shared/bench/gen.js)
  --incident-bytes N the multi-file follow-up: a free-text incident of N bytes in five files
                     (samples/realistic.ts, seed 8; default 160000000, about 1.25 M events),
                     timed through ingest, diverge, anomalies and investigate; 0 skips it
  --incident-only    run only the multi-file follow-up
  --inputs LABELS    only these corpus inputs, comma-separated (NDJSON, logfmt, log4j text)
  --scale SIZES      the archive-scale run at these sizes, comma-separated (e.g. 1GB,10GB): one
                     NDJSON file each from the generator (kept in bench/out/scale-*), then, once
                     each, ingest --no-infer --jobs 1 against read_json, infer --refresh, the
                     analyses on the DuckDB file, export, and the analyses on the Parquet dataset
                     (10GB: about 45 minutes here, 10 GB for the file and 15 GB more of scratch)

Examples:
  npm run bench                                      # 100 MB per file, 3 runs, then the 160 MB incident
  npm run bench -- --incident-only                   # only the multi-file incident and its --jobs sweep
  npm run bench -- --incident-only --incident-bytes 0 --scale 1GB,10GB   # only the archive figures
`;

const positiveInt = (name: string, v: string | undefined, fallback: number): number => {
  if (v === undefined) return fallback;
  if (!/^\d+(e\d+)?$/i.test(v) || !(Number(v) >= 1) || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`${name} takes a positive whole number, not "${v}"`);
  }
  return Number(v);
};

/** `--scale 1GB,10GB`: sizes with units (B, KB, MB, GB, TB; KiB, MiB, GiB, TiB) or plain bytes (1e9). */
export function parseSizes(v: string | undefined): number[] {
  if (v === undefined) return [];
  return v.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(part);
    const unit = m ? (m[2] === '' ? 1 : SIZE_UNITS[m[2].toLowerCase()]) : undefined;
    const bytes = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
    if (!(bytes >= 1e4) || !Number.isSafeInteger(bytes)) {
      throw new UsageError(`--scale takes sizes such as 1GB,10GB (at least 10KB each), not "${v}"`);
    }
    return bytes;
  });
}

/** `--inputs NDJSON,logfmt`: the corpus inputs to time, by label (case-insensitive); all by default. */
function parseInputs(v: string | undefined): string[] | null {
  if (v === undefined) return null;
  const known = INPUTS.map((i) => i.label);
  const wanted = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const out = wanted.map((w) => known.find((k) => k.toLowerCase() === w.toLowerCase()));
  const bad = wanted.filter((_, i) => out[i] === undefined);
  if (bad.length > 0 || out.length === 0) throw new UsageError(`--inputs takes labels among ${known.join(', ')}, not "${v}"`);
  return out as string[];
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        big: { type: 'boolean', default: false },
        runs: { type: 'string' },
        bytes: { type: 'string' },
        out: { type: 'string' },
        generator: { type: 'string' },
        'incident-bytes': { type: 'string' },
        'incident-only': { type: 'boolean', default: false },
        inputs: { type: 'string' },
        scale: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.big && values.bytes !== undefined) throw new UsageError('--big and --bytes cannot be combined');
  return {
    bytes: values.big ? 1e9 : positiveInt('--bytes', values.bytes, 1e8),
    runs: positiveInt('--runs', values.runs, 3),
    out: resolve(values.out ?? DEFAULT_OUT),
    generator: resolve(values.generator ?? DEFAULT_GENERATOR),
    incidentBytes: values['incident-bytes'] === '0' ? 0 : positiveInt('--incident-bytes', values['incident-bytes'], DEFAULT_INCIDENT_BYTES),
    incidentOnly: values['incident-only'] ?? false,
    inputs: parseInputs(values.inputs),
    scale: parseSizes(values.scale),
    help: values.help,
  };
}
