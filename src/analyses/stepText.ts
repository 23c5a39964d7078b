/** How a step (op, phase) reads in tables and Markdown: `LoadMetadata:completed`, `A`, `A:*`. */
export function stepText(s: { op: string | null; phase: string | null; any_phase?: boolean }): string {
  const op = s.op ?? '(no op)';
  if (s.any_phase) return `${op}:*`;
  return s.phase === null ? op : `${op}:${s.phase}`;
}
