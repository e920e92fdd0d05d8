/**
 * Ready/valid stream helpers: a driver with random stalls, a sink with random back-pressure,
 * a monitor, scoreboards (in order and out of order), and a cycle loop that calls them in
 * the right phase:
 *
 *   const bench = new Bench(sim, [src, sink, inMon, outMon]);
 *   bench.run(1000);   // each cycle: drive() on all, sample() on all (values settled), assertions, one clock edge
 *
 * A transfer happens on a cycle where valid and ready are both 1 before the edge.
 */
import type { Bits, Simulator } from "../hw/rtl/index.ts";
import type { Assertions } from "./assert/assertions.ts";
import type { Rng } from "./random/rng.ts";

/** A testbench component called once per cycle. */
export interface Clocked {
  /** Before the edge: poke inputs for this cycle. */
  drive?(): void;
  /** Before the edge, after every drive(): read settled values (transfers happen now). */
  sample?(): void;
}

export interface StreamPorts {
  valid: Bits;
  ready: Bits;
  data: Bits;
}

export class Bench {
  private inReset = -1;
  /** `assertions` are checked in the sample phase of every cycle (not while reset is asserted). */
  constructor(
    readonly sim: Simulator,
    readonly parts: readonly Clocked[],
    readonly assertions: Assertions | null = null,
  ) {}
  /** Runs `cycles` cycles. */
  run(cycles: number): void {
    for (let c = 0; c < cycles; c++) this.cycle();
  }
  /** Runs until `done()` (checked before each cycle) or throws after `limit` cycles. */
  runUntil(done: () => boolean, limit: number): number {
    for (let c = 0; c < limit; c++) {
      if (done()) return c;
      this.cycle();
    }
    if (done()) return limit;
    throw new Error(`bench: condition not met within ${limit} cycles (cycle ${this.sim.cycle})`);
  }
  cycle(): void {
    const ps = this.parts;
    for (let i = 0; i < ps.length; i++) ps[i]!.drive?.();
    this.sim.settle(); // combinational paths from the pokes (ready/valid) before anyone reads
    for (let i = 0; i < ps.length; i++) ps[i]!.sample?.();
    const a = this.assertions;
    if (a !== null) {
      const r = this.sim.top.reset.value;
      if (r !== this.inReset) {
        this.inReset = r;
        a.setEnabled(r === 0);
      }
      if (r === 0) a.check(this.sim.cycle);
    }
    this.sim.step(1);
  }
}

/** Drives a stream from a queue; `stall` is the probability of not offering the next item on a cycle. Valid is held until the item is taken. */
export class StreamDriver implements Clocked {
  private readonly queue: number[] = [];
  private head = 0;
  private current = -1;
  stall: number;
  sent = 0;
  constructor(
    private readonly sim: Simulator,
    private readonly ports: StreamPorts,
    private readonly rng: Rng,
    opts: { stall?: number } = {},
  ) {
    this.stall = opts.stall ?? 0;
  }
  push(...items: number[]): void {
    this.queue.push(...items);
  }
  /** Drops the queued items not offered yet (an item already offered stays until taken). */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }
  get pending(): number {
    return this.queue.length - this.head + (this.current >= 0 ? 1 : 0);
  }
  drive(): void {
    if (this.current < 0 && this.head < this.queue.length && (this.stall <= 0 || !this.rng.bool(this.stall))) {
      this.current = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
    }
    this.sim.poke(this.ports.valid, this.current >= 0 ? 1 : 0);
    if (this.current >= 0) this.sim.poke(this.ports.data, this.current);
  }
  sample(): void {
    if (this.current >= 0 && this.ports.ready.value === 1) {
      this.current = -1;
      this.sent++;
    }
  }
}

/** Drives `ready` low with probability `stall` on each cycle. */
export class StreamSink implements Clocked {
  stall: number;
  constructor(
    private readonly sim: Simulator,
    private readonly ready: Bits,
    private readonly rng: Rng,
    opts: { stall?: number } = {},
  ) {
    this.stall = opts.stall ?? 0;
  }
  drive(): void {
    this.sim.poke(this.ready, this.stall > 0 && this.rng.bool(this.stall) ? 0 : 1);
  }
}

/** Calls `onItem(data)` for every transfer. */
export class StreamMonitor implements Clocked {
  count = 0;
  constructor(
    private readonly ports: StreamPorts,
    private readonly onItem: (data: number) => void,
  ) {}
  sample(): void {
    const p = this.ports;
    if (p.valid.value === 1 && p.ready.value === 1) {
      this.count++;
      this.onItem(p.data.value);
    }
  }
}

export class ScoreboardError extends Error {
  override name = "ScoreboardError";
}

/** Checks actual items against expected ones: in order, or out of order (matched by equality of `key`). */
export class Scoreboard<T> {
  private readonly inOrder: T[] = [];
  private head = 0;
  private readonly byKey = new Map<string | number, T[]>();
  matched = 0;
  constructor(
    readonly name: string,
    private readonly opts: { order: "in-order" | "out-of-order"; key?: (item: T) => string | number; equal?: (a: T, b: T) => boolean; show?: (item: T) => string } = { order: "in-order" },
  ) {}

  private show(x: T): string {
    return this.opts.show ? this.opts.show(x) : typeof x === "object" ? JSON.stringify(x) : String(x);
  }

  expect(item: T): void {
    if (this.opts.order === "in-order") this.inOrder.push(item);
    else {
      const k = this.key(item);
      const l = this.byKey.get(k);
      if (l) l.push(item);
      else this.byKey.set(k, [item]);
    }
  }

  actual(item: T): void {
    const eq = this.opts.equal ?? ((a: T, b: T) => a === b);
    if (this.opts.order === "in-order") {
      if (this.head >= this.inOrder.length) throw new ScoreboardError(`${this.name}: unexpected item ${this.show(item)} (nothing expected; ${this.matched} matched so far)`);
      const exp = this.inOrder[this.head++]!;
      if (!eq(exp, item)) throw new ScoreboardError(`${this.name}: item ${this.matched}: expected ${this.show(exp)}, got ${this.show(item)}`);
    } else {
      const k = this.key(item);
      const l = this.byKey.get(k);
      const i = l ? l.findIndex((e) => eq(e, item)) : -1;
      if (l === undefined || i < 0) throw new ScoreboardError(`${this.name}: unexpected item ${this.show(item)} (no expected item with key ${String(k)})`);
      l.splice(i, 1);
      if (l.length === 0) this.byKey.delete(k);
    }
    this.matched++;
  }

  /** Items expected but not seen yet. */
  get outstanding(): number {
    if (this.opts.order === "in-order") return this.inOrder.length - this.head;
    let n = 0;
    for (const l of this.byKey.values()) n += l.length;
    return n;
  }

  /** Throws when expected items were never seen. */
  finish(): void {
    if (this.outstanding > 0) {
      const first = this.opts.order === "in-order" ? this.inOrder[this.head]! : [...this.byKey.values()][0]![0]!;
      throw new ScoreboardError(`${this.name}: ${this.outstanding} expected item(s) never seen (first: ${this.show(first)}); ${this.matched} matched`);
    }
  }

  private key(item: T): string | number {
    if (this.opts.key === undefined) {
      if (typeof item === "string" || typeof item === "number") return item;
      throw new ScoreboardError(`${this.name}: out-of-order scoreboards of objects need a key function`);
    }
    return this.opts.key(item);
  }
}
