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

export function timelineCommand(db: string, key: string, node: string, vs: string | null): string {
  return command(['timeline', '--key', key, '--node', node, ...(vs ? ['--vs', vs] : []), '--db', db]);
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
