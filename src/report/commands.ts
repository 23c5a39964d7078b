/**
 * The commands a report prints for the reader to run next. They must run as printed from
 * where `investigate` was run: the database path is the one investigate wrote (relative
 * when --out was), and every argument is quoted for a POSIX shell where it needs it.
 */

/** An argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellArg(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** `orderline ARGS…`, each argument quoted as needed. */
export function command(args: readonly string[]): string {
  return ['orderline', ...args].map(shellArg).join(' ');
}

export function timelineCommand(db: string, key: string, node: string, vs: string | null, window: { from?: string; to?: string } = {}): string {
  return command(['timeline', '--key', key, '--node', node, ...(vs ? ['--vs', vs] : []),
    ...(window.from ? ['--from', window.from] : []), ...(window.to ? ['--to', window.to] : []), '--db', db]);
}

export function affectedCommand(db: string): string {
  return command(['affected', '--db', db, '--format', 'csv']);
}

export function skewCommand(db: string): string {
  return command(['skew', '--db', db]);
}

export function propagationCommand(db: string, key: string): string {
  return command(['propagation', '--key', key, '--db', db]);
}

/**
 * The part of a key's timeline a finding's table shows: its window with a margin of the window's
 * length again on each side (at least 250 ms), so a key worked thousands of times shows the cycle
 * that broke, not all of them.
 */
export function cycleWindow(w: { start: string | null; end: string | null } | null | undefined): { from?: string; to?: string } {
  const a = w?.start ? Date.parse(w.start) : NaN;
  const b = w?.end ? Date.parse(w.end) : a;
  if (Number.isNaN(a) || Number.isNaN(b)) return {};
  const pad = Math.max(250, b - a);
  return { from: new Date(a - pad).toISOString(), to: new Date(b + pad).toISOString() };
}
