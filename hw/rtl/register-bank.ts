/**
 * A register bank: register arrays that sit side by side in the value store, and whose next
 * values live in one store the bank's owner chooses, latched at the clock edge by one copy.
 *
 * Why: a block compiled to WebAssembly (hw/rtl/wasm) cannot reach the kernel's value stores,
 * which are plain typed arrays. With its output registers in a bank whose next-value store is
 * in the block's own memory, the compiled code assigns its registers by writing that memory,
 * and reads the registers' current values from one copy of the bank: no JavaScript glue per
 * register. Everything else sees ordinary register arrays: `get` and `set`, waveforms, peeks
 * and pokes, reset.
 *
 * Semantics are those of register arrays: an entry not assigned in a cycle holds its value.
 * Values in the next-value store must already fit the entry's width (`RegArray.set` masks;
 * code that writes the store directly must not write wider values).
 */
import { DesignError } from "./errors.ts";
import { NARROW, type RegArray } from "./signal.ts";

/**
 * Makes memory for the bank's next-value store: `words` 32-bit words (e.g. a view of WebAssembly
 * memory). The bank asks for one word more than it holds and starts its store at the same
 * address modulo 8 as its first slot in the value store: V8 copies between shared and unshared
 * memory word by word only when both sides are 8-byte aligned alike, and byte by byte otherwise.
 */
export type NextStoreFactory = (words: number) => Uint32Array;

/**
 * A copy of a bank's current values that the bank keeps up to date (at the edge, and on a poke
 * or a reset), in memory of the owner's choosing: code that cannot read the value store (a
 * compiled block) reads a register there without a mirror of its own (value-mirror.ts).
 */
export interface CurrentCopyOptions {
  /** Memory for the copy: `words` words. */
  readonly memory: (words: number) => Uint32Array;
  /**
   * Made once, when the bank is bound: the function that copies the next-value store `from`
   * into the copy `to` (the same length) at each edge, e.g. with WebAssembly's memory.copy
   * between two places of one shared memory (V8's TypedArray.set moves shared memory word by
   * word). It may refuse memory it cannot copy (a DesignError).
   */
  readonly copier: (to: Uint32Array, from: Uint32Array) => () => void;
}

export interface RegisterBankOptions {
  /** Memory for the next-value store (default: a Uint32Array of its own). */
  readonly nextStore?: NextStoreFactory;
  /**
   * Called at every clock edge when the clocked blocks are done, before reset and the latch:
   * e.g. to wait for another thread still writing the store (reset then writes it safely).
   */
  readonly beforeLatch?: () => void;
  /** Keep a copy of the current values (CurrentCopyOptions). */
  readonly currentCopy?: CurrentCopyOptions;
}

/**
 * Where a copy of `words` value-store slots from `firstSlot` should sit in `memory` (one word
 * longer): the subarray that starts at the slot's address modulo 8 (NextStoreFactory says why).
 */
export function alignedToSlot(memory: Uint32Array, words: number, firstSlot: number): Uint32Array {
  const skip = ((memory.byteOffset >> 2) ^ firstSlot) & 1;
  return memory.subarray(skip, skip + words);
}

export class RegisterBank {
  /** Arrays in the bank, in the order they were declared: the bank's layout. */
  private readonly arrays: RegArray[] = [];
  private readonly offsets = new Map<RegArray, number>();
  private words = 0;
  private base = -1;
  private nextStore: Uint32Array | undefined;
  private readonly bound: (() => void)[] = [];
  /** The onBound callbacks have run (every bank of the design is bound by then). */
  private announced = false;
  private readonly makeNextStore: NextStoreFactory;
  private readonly currentOptions: CurrentCopyOptions | undefined;
  private currentStore: Uint32Array | undefined;
  /** Refreshes currentStore from the next-value store (CurrentCopyOptions.copier). */
  private copyCurrent: (() => void) | undefined;
  /** The owner's hook at every clock edge (RegisterBankOptions.beforeLatch); the kernel calls it. */
  readonly beforeLatch: (() => void) | undefined;
  /** The store was written since the last edge (else the edge has nothing to copy). */
  private written = false;
  /**
   * Counts the events that may change the current values (a latch of written values, a poke, a
   * reset): a block that was idle compares it with the count it saw last and need not look at
   * the values when it is the same.
   */
  get generation(): number {
    return this.events;
  }
  private events = 0;

  constructor(
    /** For messages: the bank's owner and purpose, e.g. `noc.links`. */
    readonly name: string,
    options: RegisterBankOptions = {},
  ) {
    this.makeNextStore = options.nextStore ?? ((words) => new Uint32Array(words));
    this.beforeLatch = options.beforeLatch;
    this.currentOptions = options.currentCopy;
  }

  /** Adds an array (a RegArray made with the `bank` option adds itself). */
  add(array: RegArray): void {
    if (this.base >= 0) throw new DesignError(`${array.owner.path}.${array.name}: register bank ${this.name} is already elaborated`);
    this.offsets.set(array, this.words);
    this.arrays.push(array);
    this.words += array.length;
  }
  /** The arrays in layout order (elaboration places their entries contiguously in this order). */
  get members(): readonly RegArray[] {
    return this.arrays;
  }

  /** Words in the bank. */
  get length(): number {
    return this.words;
  }

  /** Offset of `array`'s entry 0 in the bank (in the next-value store). */
  offsetOf(array: RegArray): number {
    const at = this.offsets.get(array);
    if (at === undefined) throw new DesignError(`${array.owner.path}.${array.name} is not in register bank ${this.name}`);
    return at;
  }

  /** The next-value store (after elaboration): writing word k assigns the bank's entry k. */
  get next(): Uint32Array {
    return this.nextStore ?? this.unbound();
  }

  /** The copy of the current values (CurrentCopyOptions), after elaboration; undefined when the bank keeps none. */
  get currentCopy(): Uint32Array | undefined {
    if (this.base < 0) this.unbound();
    return this.currentStore;
  }

  /** Whether the bank holds value-store slot `slot` (after elaboration). */
  holds(slot: number): boolean {
    return this.base >= 0 && slot >= this.base && slot < this.base + this.words;
  }

  /**
   * Where `array`'s entry 0 is in the next-value store's buffer (after elaboration), as an index
   * of 4-byte words: what code working on that memory (WebAssembly) writes to assign it.
   */
  indexOf(array: RegArray): number {
    return (this.next.byteOffset >> 2) + this.offsetOf(array);
  }

  /** First slot of the bank in the value store (after elaboration). */
  get firstSlot(): number {
    return this.base >= 0 ? this.base : this.unbound();
  }

  /** Code that writes the next-value store directly must say so once per cycle it writes (RegArray.set does). */
  markWritten(): void {
    this.written = true;
  }

  /** A poke or a reset wrote current values (and the store alike). */
  markChanged(): void {
    this.events++;
  }

  /**
   * Calls `fn` once the bank is elaborated (its store made, its arrays bound), e.g. to build
   * tables of offsets: when every bank of the design is, so `fn` may use any of them.
   */
  onBound(fn: () => void): void {
    if (this.announced) fn();
    else this.bound.push(fn);
  }

  /** Elaboration: the arrays' entries are in slots base..base+length-1, in layout order. */
  bind(base: number): void {
    const n = this.length;
    const memory = this.makeNextStore(n + 1);
    if (memory.length !== n + 1) throw new DesignError(`register bank ${this.name}: its next-value store has ${memory.length} words, the bank asked for ${n + 1}`);
    const store = alignedToSlot(memory, n, base);
    this.base = base;
    store.set(NARROW.subarray(base, base + n));
    this.nextStore = store;
    const current = this.currentOptions?.memory(n);
    if (current !== undefined) {
      if (current.length !== n) throw new DesignError(`register bank ${this.name}: its current-value copy has ${current.length} words, the bank asked for ${n}`);
      current.set(store);
      this.currentStore = current;
      this.copyCurrent = this.currentOptions!.copier(current, store);
    }
    for (const a of this.arrays) a.bindBank(store, this.offsets.get(a)!, current ?? null);
  }

  /** Elaboration, once every bank of the design is bound: runs the onBound callbacks. */
  announce(): void {
    this.announced = true;
    for (const fn of this.bound.splice(0)) fn();
  }

  /** The clock edge, after reset: the next values become current (nothing to copy when the store was not written: it equals them). */
  latch(): void {
    if (!this.written) return;
    this.written = false;
    this.events++;
    NARROW.set(this.nextStore!, this.base);
    if (this.copyCurrent !== undefined) this.copyCurrent();
  }

  private unbound(): never {
    throw new DesignError(`register bank ${this.name} is not elaborated yet (build the Simulator first)`);
  }
}
