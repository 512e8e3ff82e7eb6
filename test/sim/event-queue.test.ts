import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue, NO_OWNER } from "../../sim/EventQueue.ts";
import { AssertionError, Simulation } from "../../sim/index.ts";
import { isNonDecreasing, range } from "./helpers.ts";

const noop = (): void => {};

type Command =
  | { op: "push"; at: number; ahead: boolean }
  | { op: "cancel"; pick: number }
  | { op: "pop" };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("push" as const), at: fc.integer({ min: 0, max: 40 }), ahead: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cancel" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("pop" as const) }) },
);

/** Pops one event the way the kernel does: read the fields, then release the slot. */
function pop(queue: EventQueue): { at: number; seq: number; id: number } | null {
  const slot = queue.popSlot();
  if (slot < 0) return null;
  const event = { at: queue.timeOf(slot), seq: queue.seqOfSlot(slot), id: queue.argOf(slot) as number };
  queue.release(slot);
  return event;
}

describe("event queue: heap order", () => {
  // The model's order: time, then pushAhead events before ordinary ones, then push order.
  type Live = { at: number; ahead: boolean; order: number };
  const earliest = (x: [number, Live], y: [number, Live]): number =>
    x[1].at - y[1].at || Number(y[1].ahead) - Number(x[1].ahead) || x[1].order - y[1].order;

  it("pops in (at, seq) order, ties in push order, under random pushes, cancels and pops", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 400 }), (commands) => {
        const queue = new EventQueue();
        // The model: live events by id, with the handle each push returned.
        const live = new Map<number, Live>();
        const handles: { id: number; handle: number }[] = [];
        let nextId = 0;
        for (const c of commands) {
          if (c.op === "push") {
            const id = nextId++;
            const handle = c.ahead ? queue.pushAhead(c.at, 0, NO_OWNER, 0, noop, id) : queue.push(c.at, 0, NO_OWNER, 0, noop, id);
            handles.push({ id, handle });
            live.set(id, { at: c.at, ahead: c.ahead, order: id });
          } else if (c.op === "cancel") {
            if (handles.length === 0) continue;
            const { id, handle } = handles[c.pick % handles.length]!;
            // Stale handles (fired or cancelled already) must cancel nothing.
            expect(queue.cancel(handle)).toBe(live.has(id));
            live.delete(id);
          } else {
            const event = pop(queue);
            if (live.size === 0) {
              expect(event).toBeNull();
              continue;
            }
            const expected = [...live.entries()].sort(earliest)[0]!;
            expect(event).not.toBeNull();
            expect(event!.id).toBe(expected[0]);
            expect(event!.at).toBe(expected[1].at);
            live.delete(expected[0]);
          }
          expect(queue.size).toBe(live.size);
        }
        // Draining gives the rest in order, and nothing that was cancelled.
        const rest: number[] = [];
        for (let e = pop(queue); e !== null; e = pop(queue)) rest.push(e.id);
        const expectedRest = [...live.entries()].sort(earliest).map((x) => x[0]);
        expect(rest).toEqual(expectedRest);
        expect(queue.size).toBe(0);
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it("pushAhead events come before ordinary events of the same microsecond, in their own push order", () => {
    const queue = new EventQueue();
    queue.push(10, 0, NO_OWNER, 0, noop, "ordinary-1");
    queue.pushAhead(10, 0, NO_OWNER, 0, noop, "ahead-1");
    queue.push(5, 0, NO_OWNER, 0, noop, "earlier");
    queue.pushAhead(10, 0, NO_OWNER, 0, noop, "ahead-2");
    queue.pushAhead(11, 0, NO_OWNER, 0, noop, "later");
    const out: unknown[] = [];
    for (let slot = queue.popSlot(); slot >= 0; slot = queue.popSlot()) {
      out.push(queue.argOf(slot));
      queue.release(slot);
    }
    expect(out).toEqual(["earlier", "ahead-1", "ahead-2", "ordinary-1", "later"]);
  });

  it("keeps order past its initial capacity (the arrays grow)", () => {
    const queue = new EventQueue();
    const n = 5_000;
    // Times descend in blocks with many ties, so growth happens mid-heap.
    for (let i = 0; i < n; i++) queue.push(Math.floor((n - i) / 7), 0, NO_OWNER, 0, noop, i);
    const out: { at: number; seq: number }[] = [];
    for (let e = pop(queue); e !== null; e = pop(queue)) out.push(e);
    expect(out).toHaveLength(n);
    for (let i = 1; i < n; i++) {
      const [a, b] = [out[i - 1]!, out[i]!];
      expect(a.at < b.at || (a.at === b.at && a.seq < b.seq)).toBe(true);
    }
  });

  it("reports the earliest live time, skipping cancelled events, and Infinity when empty", () => {
    const queue = new EventQueue();
    expect(queue.peekTime()).toBe(Infinity);
    const early = queue.push(5, 0, NO_OWNER, 0, noop, 0);
    queue.push(9, 0, NO_OWNER, 0, noop, 1);
    expect(queue.peekTime()).toBe(5);
    queue.cancel(early);
    expect(queue.peekTime()).toBe(9);
  });
});

describe("event queue: cancellation", () => {
  it("a client's per-request timeouts, set and cancelled by the ten thousand, do not pile up in the heap, and the live events still fire in order", () => {
    const queue = new EventQueue();
    const live = new Map<number, number>(); // id -> at
    let id = 0;
    let maxEntries = 0;
    // Each round: a short event that stays, and a long timeout cancelled soon after (a request answered).
    for (let round = 0; round < 30_000; round++) {
      const keep = id++;
      queue.push(round + 5, 0, NO_OWNER, 0, noop, keep);
      live.set(keep, round + 5);
      const timeout = queue.push(round + 30_000_000, 0, NO_OWNER, 0, noop, id++);
      expect(queue.cancel(timeout)).toBe(true);
      if (round % 3 === 0) {
        const event = pop(queue)!;
        expect(event.id).toBe(live.keys().next().value); // the earliest: events stay in push (and time) order
        live.delete(event.id);
      }
      maxEntries = Math.max(maxEntries, queue.heapEntries);
    }
    // Dead entries are dropped once they outnumber the live ones (plus some slack), not kept until their time.
    expect(maxEntries).toBeLessThan(2 * live.size + 2_100);
    expect(queue.size).toBe(live.size);
    const order: number[] = [];
    for (let e = pop(queue); e !== null; e = pop(queue)) order.push(e.id);
    expect(order).toEqual([...live.keys()]);
  });

  it("cancelled events never fire", () => {
    const sim = new Simulation({ seed: "cancel" });
    const fired: number[] = [];
    const label = sim.label("e");
    const handles = range(200).map((i) => sim.schedule(i % 13, label, () => fired.push(i)));
    for (let i = 1; i < 200; i += 2) expect(sim.cancel(handles[i]!)).toBe(true);
    sim.run();
    expect(fired.sort((a, b) => a - b)).toEqual(range(100).map((i) => 2 * i));
  });

  it("an event cancelled by an earlier event at the same microsecond does not fire", () => {
    const sim = new Simulation({ seed: "cancel" });
    const label = sim.label("e");
    let fired = false;
    let victim = -1;
    sim.schedule(10, label, () => sim.cancel(victim));
    victim = sim.schedule(10, label, () => (fired = true));
    sim.run();
    expect(fired).toBe(false);
  });

  it("a stale handle cancels nothing, even when its slot has been reused", () => {
    const sim = new Simulation({ seed: "stale" });
    const label = sim.label("e");
    const fired: string[] = [];
    const first = sim.schedule(1, label, () => fired.push("first"));
    sim.run();
    expect(sim.isPending(first)).toBe(false);
    // The freed slot is reused by the next push.
    const second = sim.schedule(1, label, () => fired.push("second"));
    expect(sim.isPending(second)).toBe(true);
    expect(sim.cancel(first)).toBe(false);
    expect(sim.isPending(second)).toBe(true);
    sim.run();
    expect(fired).toEqual(["first", "second"]);
  });

  it("cancelling twice succeeds once", () => {
    const sim = new Simulation({ seed: "twice" });
    const handle = sim.schedule(5, sim.label("e"), noop);
    expect(sim.cancel(handle)).toBe(true);
    expect(sim.cancel(handle)).toBe(false);
    expect(sim.pendingEvents).toBe(0);
  });

  it("handles stay exact after billions of reuses of a slot", () => {
    const queue = new EventQueue();
    // White box: start every slot's generation just below the wrap instead of reusing a
    // slot two billion times.
    (queue as unknown as { generation: Uint32Array }).generation.fill(2 ** 31 - 3);
    const fired: string[] = [];
    for (let round = 0; round < 6; round++) {
      const keep = queue.push(1, 0, NO_OWNER, 0, noop, `keep-${round}`);
      const drop = queue.push(2, 0, NO_OWNER, 0, noop, `drop-${round}`);
      expect(Number.isSafeInteger(keep)).toBe(true);
      expect(Number.isSafeInteger(drop)).toBe(true);
      expect(queue.cancel(drop)).toBe(true);
      expect(queue.isPending(keep)).toBe(true);
      for (let slot = queue.popSlot(); slot >= 0; slot = queue.popSlot()) {
        fired.push(queue.argOf(slot) as string);
        queue.release(slot);
      }
    }
    expect(fired).toEqual(range(6).map((i) => `keep-${i}`));
  });

  it("the 'no event' handle -1 cancels nothing", () => {
    const sim = new Simulation({ seed: "none" });
    let fired = false;
    sim.schedule(5, sim.label("e"), () => (fired = true));
    expect(sim.cancel(-1)).toBe(false);
    sim.run();
    expect(fired).toBe(true);
  });
});

describe("simulation: the clock", () => {
  it("time never goes back while handlers schedule more events", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }), (delays) => {
        const sim = new Simulation({ seed: "clock" });
        const label = sim.label("e");
        const seen: number[] = [];
        let i = 0;
        const step = (): void => {
          seen.push(sim.now);
          // Each handler schedules up to two more, some at the same microsecond.
          for (let k = 0; k < 2 && i < delays.length; k++) sim.schedule(delays[i++]!, label, step);
        };
        sim.schedule(0, label, step);
        sim.run();
        expect(isNonDecreasing(seen)).toBe(true);
        expect(seen).toHaveLength(delays.length + 1);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it("ties fire in the order they were scheduled", () => {
    const sim = new Simulation({ seed: "ties" });
    const label = sim.label("e");
    const fired: string[] = [];
    sim.scheduleAt(100, label, () => fired.push("a"));
    sim.scheduleAt(50, label, () => sim.scheduleAt(100, label, () => fired.push("c")));
    sim.scheduleAt(100, label, () => fired.push("b"));
    sim.run();
    expect(fired).toEqual(["a", "b", "c"]);
  });

  it("refuses to schedule in the past or at a fraction of a microsecond", () => {
    const sim = new Simulation({ seed: "past" });
    const label = sim.label("e");
    sim.scheduleAt(100, label, noop);
    sim.run();
    expect(sim.now).toBe(100);
    expect(() => sim.scheduleAt(99, label, noop)).toThrow(AssertionError);
    expect(() => sim.schedule(0.5, label, noop)).toThrow(AssertionError);
  });

  it("cannot be re-entered from a handler", () => {
    const sim = new Simulation({ seed: "reenter" });
    sim.schedule(1, sim.label("e"), () => sim.run());
    expect(() => sim.run()).toThrow(/re-entered/);
  });
});

describe("simulation: run limits", () => {
  function timeline(): { sim: Simulation; fired: number[] } {
    const sim = new Simulation({ seed: "limits" });
    const fired: number[] = [];
    for (const t of [10, 20, 20, 30, 40]) sim.scheduleAt(t, sim.label("e"), () => fired.push(sim.now));
    return { sim, fired };
  }

  it("stops at untilMicros: events at the limit fire, later ones wait, the clock ends at the limit", () => {
    const { sim, fired } = timeline();
    const result = sim.run({ untilMicros: 25 });
    expect(result).toEqual({ reason: "time-limit", nowMicros: 25, eventsFired: 3 });
    expect(fired).toEqual([10, 20, 20]);
    expect(sim.now).toBe(25);
    const rest = sim.run({ untilMicros: 30 });
    expect(rest.eventsFired).toBe(1);
    expect(fired).toEqual([10, 20, 20, 30]);
  });

  it("stops at maxEvents with the clock at the last event", () => {
    const { sim, fired } = timeline();
    const result = sim.run({ maxEvents: 2 });
    expect(result).toEqual({ reason: "event-limit", nowMicros: 20, eventsFired: 2 });
    expect(fired).toEqual([10, 20]);
    expect(sim.pendingEvents).toBe(3);
    expect(sim.eventsFired).toBe(2);
  });

  it("stops when idle; with a time limit the clock still advances to it", () => {
    const { sim, fired } = timeline();
    expect(sim.run()).toEqual({ reason: "idle", nowMicros: 40, eventsFired: 5 });
    expect(fired).toHaveLength(5);
    const later = sim.run({ untilMicros: 1_000 });
    expect(later).toEqual({ reason: "idle", nowMicros: 1_000, eventsFired: 0 });
  });

  it("does not count events dropped for a crashed node toward maxEvents", () => {
    const sim = new Simulation({ seed: "dropped" });
    const node = sim.addNode("n", () => ({ start: noop, receive: noop }));
    sim.run(); // start
    const fired: string[] = [];
    node.context.setTimer(10, "stale", () => fired.push("stale"));
    node.crash();
    node.restart(); // schedules the new incarnation's start
    sim.schedule(20, sim.label("e"), () => fired.push("kernel"));
    const result = sim.run({ maxEvents: 2 });
    expect(fired).toEqual(["kernel"]);
    expect(result.eventsFired).toBe(2); // the start and the kernel event; the stale timer is not counted
  });
});
