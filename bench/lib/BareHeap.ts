/**
 * The kernel benchmark's baseline: a bare binary min-heap of (time, seq) keys in typed
 * arrays, fixed capacity, no handlers, no cancellation, no bookkeeping. It is the least
 * an event loop ordered like the kernel's can do per event, so kernel/bare says what the
 * kernel's extras cost. Keys use the kernel's representation (float64 time and seq).
 */
export class BareHeap {
  private readonly at: Float64Array;
  private readonly seq: Float64Array;
  private size = 0;
  private nextSeq = 0;

  constructor(readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(time: number): void {
    if (this.size === this.capacity) throw new Error("BareHeap full");
    const at = this.at;
    const seqs = this.seq;
    const seq = this.nextSeq++;
    let index = this.size++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const pt = at[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      at[index] = pt;
      seqs[index] = seqs[parent]!;
      index = parent;
    }
    at[index] = time;
    seqs[index] = seq;
  }

  /** Removes the earliest (time, seq) and returns its time; the heap must not be empty. */
  pop(): number {
    const at = this.at;
    const seqs = this.seq;
    const top = at[0]!;
    const size = --this.size;
    if (size > 0) {
      const time = at[size]!;
      const seq = seqs[size]!;
      let index = 0;
      for (;;) {
        let child = 2 * index + 1;
        if (child >= size) break;
        let ct = at[child]!;
        let cs = seqs[child]!;
        const right = child + 1;
        if (right < size) {
          const rt = at[right]!;
          const rs = seqs[right]!;
          if (rt < ct || (rt === ct && rs < cs)) {
            child = right;
            ct = rt;
            cs = rs;
          }
        }
        if (time < ct || (time === ct && seq < cs)) break;
        at[index] = ct;
        seqs[index] = cs;
        index = child;
      }
      at[index] = time;
      seqs[index] = seq;
    }
    return top;
  }
}
