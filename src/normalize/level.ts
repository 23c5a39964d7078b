/** Maps logged level words and numbers onto the canonical six (contract §2). */
export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

// No prototype: `level=valueOf` must find nothing, not Object.prototype.valueOf.
const WORDS: Record<string, Level> = Object.assign(Object.create(null), {
  trace: 'TRACE', trc: 'TRACE', finest: 'TRACE', finer: 'TRACE', t: 'TRACE', verbose: 'TRACE',
  debug: 'DEBUG', dbg: 'DEBUG', fine: 'DEBUG', config: 'DEBUG', d: 'DEBUG',
  d1: 'DEBUG', d2: 'DEBUG', d3: 'DEBUG', d4: 'DEBUG', d5: 'DEBUG',
  info: 'INFO', information: 'INFO', informational: 'INFO', inf: 'INFO', notice: 'INFO', i: 'INFO', n: 'INFO',
  warn: 'WARN', warning: 'WARN', wrn: 'WARN', w: 'WARN',
  error: 'ERROR', err: 'ERROR', severe: 'ERROR', e: 'ERROR', dpanic: 'ERROR',
  fatal: 'FATAL', critical: 'FATAL', crit: 'FATAL', alert: 'FATAL', emerg: 'FATAL', emergency: 'FATAL',
  panic: 'FATAL', f: 'FATAL', c: 'FATAL', a: 'FATAL',
  // logrus text abbreviates to four letters: `DEBU[0000]`, `ERRO[0012]`, `FATA[0395]`.
  trac: 'TRACE', debu: 'DEBUG', erro: 'ERROR', fata: 'FATAL', pani: 'FATAL',
});

for (const [k, v] of Object.entries(WORDS)) {
  WORDS[k.toUpperCase()] = v;
  WORDS[k[0].toUpperCase() + k.slice(1)] = v;
}

/** OpenTelemetry severityNumber ranges: 1-4 TRACE … 21-24 FATAL. Syslog 0-7 is not guessed. */
const OTEL: Level[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

export function normalizeLevel(raw: unknown): Level | null {
  if (typeof raw === 'string') {
    const hit = WORDS[raw] ?? WORDS[raw.trim().toLowerCase()];
    return hit ?? null;
  }
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 24) {
    return OTEL[Math.floor((raw - 1) / 4)];
  }
  return null;
}

const SYSLOG: Level[] = ['FATAL', 'FATAL', 'FATAL', 'ERROR', 'WARN', 'INFO', 'INFO', 'DEBUG'];

/** A syslog severity (journald PRIORITY): 0 emerg, 1 alert, 2 crit → FATAL, 3 err, 4 warning, 5 notice, 6 info, 7 debug. */
export function syslogSeverity(raw: unknown): Level | null {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[0-7]\s*$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 7 ? SYSLOG[n] : typeof raw === 'string' ? normalizeLevel(raw) : null;
}
