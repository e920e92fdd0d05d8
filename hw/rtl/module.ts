/**
 * Module: the unit of hardware. A design is a class extending Module whose constructor (and
 * field initialisers) declare ports, wires, registers, memories, child modules, connections,
 * combinational blocks and clocked blocks. Nothing runs until a Simulator elaborates it.
 */
import { DesignError } from "./errors.ts";
import { Memory, type MemoryOptions } from "./memory.ts";
import { Bits, BitsVec, RegArray, WideBits, type RegArrayOptions, type RegOptions, type Signal, type SignalKind, type WideRegOptions } from "./signal.ts";

/** A combinational block: reads and writes are declared so the schedule is fixed at elaboration. */
export interface CombBlock {
  readonly owner: Module;
  readonly name: string;
  readonly reads: readonly Signal[];
  readonly writes: readonly Signal[];
  readonly fn: () => void;
}

/** A clocked block: runs once per cycle, reads current values, assigns registers' `next`. */
export interface SeqBlock {
  readonly owner: Module;
  readonly name: string;
  readonly fn: () => void;
}

/** `sink` is driven by `source` (a signal of the same width, or a constant). */
export interface Connection {
  readonly owner: Module;
  readonly sink: Signal;
  readonly source: Signal | number | bigint;
}

export interface CombDeps {
  /** Every wire, port or memory output the block reads (registers may be left out: they are state); a vec stands for its signals. */
  reads: readonly (Signal | BitsVec)[];
  /** Every wire or output the block drives; a vec stands for its signals. */
  writes: readonly (Signal | BitsVec)[];
  /** Name in error messages; default `comb<N>`. */
  name?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export abstract class Module {
  readonly children: Module[] = [];
  readonly signals: Signal[] = [];
  readonly memories: Memory[] = [];
  readonly combBlocks: CombBlock[] = [];
  readonly seqBlocks: SeqBlock[] = [];
  readonly connections: Connection[] = [];
  readonly vecs: BitsVec[] = [];
  readonly regArrays: RegArray[] = [];
  private readonly localNames = new Set<string>();
  private cachedPath: string;
  /** The design's synchronous reset, an input of the root module, asserted by `Simulator.reset`. */
  readonly reset: Bits;

  constructor(
    readonly parent: Module | null,
    readonly name: string,
  ) {
    if (!NAME.test(name)) throw new DesignError(`bad module name '${name}'${parent ? ` in ${parent.path}` : ""}`);
    this.cachedPath = parent ? `${parent.path}.${name}` : name;
    if (parent) {
      parent.claimName(name);
      parent.children.push(this);
      this.reset = parent.reset;
    } else {
      this.reset = this.input("reset", 1);
    }
  }

  /** Hierarchical name. */
  get path(): string {
    return this.cachedPath;
  }

  /** The root of the hierarchy. */
  get root(): Module {
    return this.parent ? this.parent.root : this;
  }

  private claimName(name: string): void {
    if (this.localNames.has(name)) throw new DesignError(`${this.path}: name '${name}' is declared twice`);
    this.localNames.add(name);
  }

  private addSignal<S extends Signal>(s: S): S {
    this.claimName(s.name);
    this.signals.push(s);
    return s;
  }

  protected input(name: string, width: number): Bits {
    return this.addSignal(new Bits(this, name, width, "input"));
  }
  protected output(name: string, width: number): Bits {
    return this.addSignal(new Bits(this, name, width, "output"));
  }
  protected wire(name: string, width: number): Bits {
    return this.addSignal(new Bits(this, name, width, "wire"));
  }
  protected reg(name: string, width: number, options?: RegOptions): Bits {
    return this.addSignal(new Bits(this, name, width, "reg", options));
  }
  protected inputWide(name: string, width: number): WideBits {
    return this.addSignal(new WideBits(this, name, width, "input"));
  }
  protected outputWide(name: string, width: number): WideBits {
    return this.addSignal(new WideBits(this, name, width, "output"));
  }
  protected wireWide(name: string, width: number): WideBits {
    return this.addSignal(new WideBits(this, name, width, "wire"));
  }
  protected regWide(name: string, width: number, options?: WideRegOptions): WideBits {
    return this.addSignal(new WideBits(this, name, width, "reg", options));
  }

  /** Declares a memory (SRAM macro) of width <= 32 with ports; see MemoryOptions. */
  protected memory(name: string, options: MemoryOptions): Memory<Bits> {
    if (options.width > 32) throw new DesignError(`${this.path}.${name}: width ${options.width} > 32; use memoryWide`);
    return this.addMemory(name, options) as Memory<Bits>;
  }

  /** Declares a memory wider than 32 bits; its data ports are WideBits. */
  protected memoryWide(name: string, options: MemoryOptions): Memory<WideBits> {
    if (options.width <= 32) throw new DesignError(`${this.path}.${name}: width ${options.width} <= 32; use memory`);
    return this.addMemory(name, options) as Memory<WideBits>;
  }

  private addMemory(name: string, options: MemoryOptions): Memory {
    this.claimName(name);
    const mem = new Memory(this, name, options, {
      narrow: (n, w, kind) => this.addSignal(new Bits(this, n, w, kind)),
      wide: (n, w, kind) => this.addSignal(new WideBits(this, n, w, kind)),
    });
    this.memories.push(mem);
    return mem;
  }

  /** An array of `length` registers of `width` <= 32 bits, read with get(i), written with set(i, v) in seq blocks. */
  protected regArray(name: string, length: number, width: number, options: RegArrayOptions = {}): RegArray {
    this.claimName(name);
    const array = new RegArray(this, name, length, width, options);
    for (const e of array.entries) this.addSignal(e);
    this.regArrays.push(array);
    return array;
  }

  /** A vector of narrow signals accessed by index (`v.get(i)`, `v.set(i, x)`); bound at elaboration. */
  protected vec(signals: readonly Bits[]): BitsVec {
    const v = new BitsVec(signals);
    this.vecs.push(v);
    return v;
  }

  /** `sink` is driven by `source`. Widths must match; a constant must fit. */
  protected connect(sink: Bits, source: Bits | number): void;
  protected connect(sink: WideBits, source: WideBits | bigint): void;
  protected connect(sink: Signal, source: Signal | number | bigint): void {
    this.connections.push({ owner: this, sink, source });
  }

  /** Declares combinational logic. `fn` runs once per cycle, after every block it reads from. */
  protected comb(deps: CombDeps, fn: () => void): void {
    const name = deps.name ?? `comb${this.combBlocks.length}`;
    const reads: Signal[] = [];
    for (const r of deps.reads) {
      if (r instanceof BitsVec) reads.push(...r.signals);
      else reads.push(r);
    }
    const writes: Signal[] = [];
    for (const w of deps.writes) {
      if (w instanceof BitsVec) writes.push(...w.signals);
      else writes.push(w);
    }
    this.combBlocks.push({ owner: this, name, reads, writes, fn });
  }

  /** Declares clocked logic: assign registers' `next`; reads see values from before the edge. */
  protected seq(fn: () => void, name?: string): void {
    this.seqBlocks.push({ owner: this, name: name ?? `seq${this.seqBlocks.length}`, fn });
  }

  /** Every module of the subtree, this one first, children in declaration order. */
  *walk(): Generator<Module> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

export type { SignalKind };
