/**
 * A min-heap of pending log events ordered by (time, arrival): a node's events are produced cycle
 * by cycle but written in time order, with ties kept in the order they were produced.
 */
export interface Timed {
  t: number;
  seq: number;
}

export class EventHeap<T extends Timed> {
  private a: T[] = [];
  private next = 0;

  get size(): number {
    return this.a.length;
  }

  peek(): T | undefined {
    return this.a[0];
  }

  push(e: T): void {
    e.seq = this.next++;
    const a = this.a;
    let i = a.push(e) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

const less = (x: Timed, y: Timed): boolean => x.t < y.t || (x.t === y.t && x.seq < y.seq);
