/**
 * One cycle of one key on one node: when each step happens (on the node's clock, µs) and in what
 * order. Healthy: load queued → started → completed → write queued → started → completed →
 * publish → cache refresh and quota check in either order. Raced `queued`: load queued → write
 * queued → started → completed → publish → (cache, quota) → load started → completed. Raced
 * `started`: the load starts before the write is queued and completes after it. Steps are at
 * least 100 µs apart, so a file's order is the plan's order.
 */
import { int, rngFor } from './hash.js';
import type { Plan } from './plan.js';
import type { RaceVariant, Step } from './types.js';

export interface CycleStep {
  step: Step;
  /** µs on the node's clock. */
  t: number;
  /** Worker number (thread). */
  w: number;
}

/** The race variant of this slot on this node, or null. */
export function raceAt(plan: Plan, node: number, slot: number): RaceVariant | null {
  const r = plan.raceBySlot.get(slot);
  return r !== undefined && r.nodeIdx === node ? r.variant : null;
}

export function cycleSteps(plan: Plan, node: number, slot: number): CycleStep[] {
  const rnd = rngFor(plan.seed, 20, node, slot);
  let t = plan.slotT[slot] + plan.nodes[node].skewUs + int(rnd, 0, 20_000);
  const wLoad = int(rnd, 0, 15);
  const wWrite = int(rnd, 0, 15);
  const wSide = int(rnd, 0, 15);
  const cacheFirst = rnd() < 0.5;
  const out: CycleStep[] = [{ step: 'load.queued', t, w: wLoad }];
  const add = (step: Step, lo: number, hi: number, w: number) => {
    t += int(rnd, lo, hi);
    out.push({ step, t, w });
  };
  const sides = () => {
    add(cacheFirst ? 'cache' : 'quota', 100, 5_000, wSide);
    add(cacheFirst ? 'quota' : 'cache', 100, 5_000, wSide + 1);
  };
  const variant = raceAt(plan, node, slot);
  if (variant === null) {
    add('load.started', 200, 15_000, wLoad);
    add('load.completed', 3_000, 60_000, wLoad);
    add('write.queued', 100, 3_000, wWrite);
    add('write.started', 200, 10_000, wWrite);
    add('write.completed', 2_000, 40_000, wWrite);
    add('publish', 100, 2_000, wWrite);
    sides();
  } else {
    if (variant === 'started') add('load.started', 200, 5_000, wLoad);
    add('write.queued', 300, 3_000, wWrite);
    add('write.started', 200, 5_000, wWrite);
    add('write.completed', 2_000, 30_000, wWrite);
    add('publish', 100, 2_000, wWrite);
    sides();
    if (variant === 'queued') add('load.started', 5_000, 40_000, wLoad);
    add('load.completed', 5_000, 40_000, wLoad);
  }
  return out;
}

/** When (µs, node clock) the cycle's derived write completed on that node. */
export function writeCompletedUs(plan: Plan, node: number, slot: number): number {
  return cycleSteps(plan, node, slot).find((s) => s.step === 'write.completed')!.t;
}
