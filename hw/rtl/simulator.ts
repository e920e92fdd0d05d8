/**
 * The simulator: a synchronous, cycle-based fast path over an elaborated design.
 *
 * One cycle = clocked blocks compute next values from the settled current values; memories
 * take their edge; registers latch (one typed-array copy, and one per register bank written),
 * synchronous reset overriding them;
 * combinational blocks run once each, in the static schedule, so every wire is settled for
 * the testbench, monitors and the waveform tracer.
 */
import { buildBatches } from "./batches.ts";
import { buildCycle, buildSettle, MAX_UNROLLED } from "./cycle.ts";
import { elaborate, type Elaborated } from "./elaborate.ts";
import { SimulationError } from "./errors.ts";
import type { Memory } from "./memory.ts";
import type { Module } from "./module.ts";
import {
  applyRegArrayWrites,
  Bits,
  discardRegArrayWrites,
  NARROW,
  NARROW_NEXT,
  WIDE,
  WIDE_NEXT,
  WideBits,
  type FsmStates,
  type Signal,
  type SignalKind,
} from "./signal.ts";
import { Tracer, type TraceOptions } from "./trace.ts";

export interface SignalInfo {
  readonly path: string;
  readonly width: number;
  readonly kind: SignalKind;
  readonly fsm: FsmStates | undefined;
  readonly handle: Signal;
}

export interface SimulatorOptions {
  /**
   * Rewrite batches of method blocks into direct store accesses (compile-batch.ts).
   * Default true; false runs every block as written (for debugging and differential tests).
   */
  compile?: boolean;
  /** Batches and memories above which the cycle runs as loops rather than straight-line code (default 400). */
  maxUnrolled?: number;
}

export class Simulator {
  readonly design: Elaborated;
  /** Clock edges since construction (reset cycles included). */
  cycle = 0;
  /** One clock cycle: edge, then settle (cycle.ts). */
  private readonly cycleOnce: () => void;
  /** Combinational logic only, after pokes. */
  private readonly settleOnce: () => void;
  private readonly memories: Memory[];
  private readonly pokeable: Set<Signal>;
  private monitors: (() => void)[] = [];
  private tracers: Tracer[] = [];
  /** A poke happened since the last settle: combinational values are stale. */
  private dirty = true;
  /** Slot of the root's reset input: the edge loads init values while it reads 1. */
  private readonly resetSlot: number;

  constructor(
    readonly top: Module,
    options: SimulatorOptions = {},
  ) {
    this.design = elaborate(top);
    const d = this.design;
    const compile = options.compile ?? true;
    const comb = buildBatches(d.comb, compile);
    this.memories = d.memories;
    this.resetSlot = top.reset.slot;
    const maxUnrolled = options.maxUnrolled ?? MAX_UNROLLED;
    this.settleOnce = buildSettle(comb, maxUnrolled);
    this.cycleOnce = buildCycle({
      seq: buildBatches(d.seq, compile),
      memories: d.memories,
      comb,
      applyArrayWrites: applyRegArrayWrites,
      narrow: NARROW,
      resetSlot: this.resetSlot,
      loadResetValues: () => this.loadResetValues(),
      narrowNextView: d.storage.narrowNextView,
      narrowBase: d.storage.range.narrowBase,
      wide: WIDE,
      wideNextView: d.storage.wideNextView,
      wideBase: d.storage.range.wideBase,
      banks: d.storage.banks,
      maxUnrolled,
    });
    this.pokeable = new Set(
      d.signals.filter((s) => {
        const drv = d.netOf.get(s)?.driver;
        return drv?.kind === "testbench" || drv?.kind === "reg" || drv?.kind === "array";
      }),
    );
    discardRegArrayWrites();
    this.settle();
  }

  /** Runs the combinational schedule once (after pokes). */
  settle(): void {
    this.settleOnce();
    this.dirty = false;
  }

  /** Advances `n` clock cycles. */
  step(n = 1): void {
    if (this.dirty) this.settle();
    const cycle = this.cycleOnce;
    if (this.monitors.length === 0 && this.tracers.length === 0) {
      for (let i = 0; i < n; i++) cycle();
      this.cycle += n;
      return;
    }
    for (let i = 0; i < n; i++) {
      cycle();
      this.cycle++;
      this.observe();
    }
  }

  private observe(): void {
    const mon = this.monitors;
    for (let i = 0; i < mon.length; i++) mon[i]!();
    const tr = this.tracers;
    for (let i = 0; i < tr.length; i++) tr[i]!.sample(this.cycle);
  }

  private loadResetValues(): void {
    const r = this.design.reset;
    for (let i = 0; i < r.narrowSlots.length; i++) NARROW_NEXT[r.narrowSlots[i]!] = r.narrowValues[i]!;
    for (let i = 0; i < r.wideWords.length; i++) WIDE_NEXT[r.wideWords[i]!] = r.wideValues[i]!;
    for (let i = 0; i < r.arrayBases.length; i++) NARROW.fill(r.arrayValues[i]!, r.arrayBases[i]!, r.arrayBases[i]! + r.arrayLengths[i]!);
    for (const a of r.bankedArrays) a.resetEntries();
    for (const m of this.memories) m.resetPipelines();
  }

  /** Holds the design's synchronous reset for `cycles` clock edges, then releases it. */
  reset(cycles = 1): void {
    const rst = this.top.reset;
    this.poke(rst, 1);
    try {
      this.step(cycles);
    } finally {
      this.poke(rst, 0);
    }
  }

  /**
   * Steps until `done()` is true, checking before each cycle; returns the cycles stepped.
   * Throws when `limit` cycles pass without it.
   */
  runUntil(done: () => boolean, limit: number): number {
    if (this.dirty) this.settle();
    for (let i = 0; i < limit; i++) {
      if (done()) return i;
      this.step(1);
    }
    if (done()) return limit;
    throw new SimulationError(`runUntil: condition not met within ${limit} cycles (now at cycle ${this.cycle})`);
  }

  /** The signal at a hierarchical path, e.g. `top.fifo0.count`. */
  signal(path: string): Signal {
    const s = this.design.byPath.get(path);
    if (s === undefined) {
      const near = [...this.design.byPath.keys()].filter((p) => p.startsWith(path.slice(0, path.lastIndexOf(".") + 1))).slice(0, 8);
      throw new SimulationError(`no signal '${path}'${near.length ? ` (signals there: ${near.join(", ")})` : ""}`);
    }
    return s;
  }

  /** Current value; settles combinational logic first if something was poked. */
  peek(target: Bits): number;
  peek(target: WideBits): bigint;
  peek(target: string | Signal): number | bigint;
  peek(target: string | Signal): number | bigint {
    const s = typeof target === "string" ? this.signal(target) : target;
    if (this.dirty) this.settle();
    return s.value;
  }

  /** Sets a top-level input, or forces a register's value (both current and next). */
  poke(target: Bits, value: number): void;
  poke(target: WideBits, value: bigint): void;
  poke(target: string | Signal, value: number | bigint): void;
  poke(target: string | Signal, value: number | bigint): void {
    const s = typeof target === "string" ? this.signal(target) : target;
    if (!this.pokeable.has(s)) {
      const drv = this.design.netOf.get(s)?.driver;
      throw new SimulationError(
        `cannot poke ${s.path}: only top-level inputs and registers can be poked (it is driven by ${drv?.kind ?? "nothing"})`,
      );
    }
    if (s instanceof Bits) {
      if (typeof value !== "number") throw new SimulationError(`poke ${s.path}: expected a number for a ${s.width}-bit signal`);
      // a register-array entry, poked by its name or through a port connected to it: the array
      // pokes it (a banked array's store must hold it too)
      const drv = this.design.netOf.get(s)?.driver;
      const entry = drv?.kind === "array" ? (drv.signal as Bits) : undefined;
      if (entry?.entryOf !== undefined) entry.entryOf.poke(entry.slot - entry.entryOf.firstSlot, value);
      else s.value = value;
      if (s.isRegister) s.next = value;
    } else {
      if (typeof value !== "bigint") throw new SimulationError(`poke ${s.path}: expected a bigint for a ${s.width}-bit signal`);
      s.value = value;
      if (s.isRegister) s.next = value;
    }
    this.dirty = true;
  }

  /** Calls `fn` after every cycle (values settled). Returns a function that removes it. */
  onCycle(fn: () => void): () => void {
    this.monitors.push(fn);
    return () => {
      this.monitors = this.monitors.filter((m) => m !== fn);
    };
  }

  /** Every signal with its path, width and kind, sorted by path. */
  signals(): SignalInfo[] {
    return this.design.signals.map((s) => ({
      path: s.path,
      width: s.width,
      kind: s.kind,
      fsm: s instanceof Bits ? s.fsm : undefined,
      handle: s,
    }));
  }

  /** Starts dumping a VCD to `file` (see TraceOptions); returns the tracer (close it, or call `sim.close()`). */
  trace(file: string, options: TraceOptions = {}): Tracer {
    if (this.dirty) this.settle();
    const t = new Tracer(this.design, file, options, this.cycle);
    this.tracers.push(t);
    return t;
  }

  /** Closes every tracer (flushes VCD files). */
  close(): void {
    for (const t of this.tracers) t.close();
    this.tracers = [];
  }
}
