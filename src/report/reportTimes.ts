/** Every timestamp a report shows, so the time format can tell whether they all fall on one day. */
import type { ReportModel } from './model.js';

export function* reportTimes(model: ReportModel): Generator<string | null | undefined> {
  const d = model.doc;
  for (const f of d.findings) {
    yield f.first_break.ts;
    yield f.window.start;
    yield f.window.end;
    for (const p of f.pending) {
      yield p.ts;
      yield p.resolved_ts;
    }
  }
  for (const a of d.anomalies) yield a.ts;
  for (const p of d.propagation) {
    yield p.origin?.ts;
    for (const h of p.hops) yield h.ts;
  }
  for (const a of d.affected) {
    yield a.start;
    yield a.end;
  }
  for (const det of model.details) {
    for (const r of det.timeline?.rows ?? []) {
      yield r.node_event?.ts;
      yield r.vs_event?.ts;
    }
    for (const e of det.keyEvents) yield e.ts;
  }
}
