/**
 * Signals: the values hardware code reads and writes.
 *
 * Every signal is a view onto a slot of one of the simulator's typed arrays, bound at
 * elaboration. Before that, it points at a placeholder, so declaring a design allocates
 * nothing per signal but the object. Narrow signals (1..32 bits) are `Bits` with `number`
 * values; wider ones are `WideBits`, stored as little-endian 32-bit words.
 */
import { DesignError } from "./errors.ts";
import type { Module } from "./module.ts";
import type { RegisterBank } from "./register-bank.ts";

export type SignalKind = "input" | "output" | "wire" | "reg";

/** An enumeration of named states for a register that holds an FSM state. */
export type FsmStates = Readonly<Record<string, number>>;

export interface RegOptions {
  /** Value loaded by synchronous reset (default 0). */
  init?: number;
  /** false: the register keeps its value through reset (default true). */
  resettable?: boolean;
  /** Names of the states, when this register holds an FSM state (coverage, waveforms). */
  fsm?: FsmStates;
}

export interface WideRegOptions {
  init?: bigint;
  resettable?: boolean;
}

/*
 * The value stores. Every simulator in the process takes a range of slots in these arrays.
 * They are module-level constants on purpose: V8 then embeds their base and length in the
 * optimised getters below, which makes a signal read about twice as fast as reading through
 * a per-signal array field. The arrays reserve virtual memory only; the OS commits pages
 * when a simulator first touches them. Slot 0 is never handed out: unbound signals read 0.
 */
export const NARROW_CAPACITY = 1 << 26;
export const WIDE_CAPACITY = 1 << 24;
/** Current values of narrow signals. */
export const NARROW = new Uint32Array(NARROW_CAPACITY);
/** Next values of narrow registers (same slot numbers as NARROW). */
export const NARROW_NEXT = new Uint32Array(NARROW_CAPACITY);
/** Current values of wide signals, 32-bit words. */
export const WIDE = new Uint32Array(WIDE_CAPACITY);
/** Next values of wide registers. */
export const WIDE_NEXT = new Uint32Array(WIDE_CAPACITY);

/** Bit mask of the low `width` bits for 1 <= width <= 32, as a uint32 number. */
export function widthMask(width: number): number {
  return width === 32 ? 0xffffffff : (1 << width) - 1;
}

function checkName(owner: Module, name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?$/.test(name)) {
    throw new DesignError(`${owner.path}: bad signal name '${name}' (letters, digits, _ and an optional [index])`);
  }
}

/** Fields common to narrow and wide signals. */
abstract class SignalBase {
  /** Slot in the value store (first word for wide signals); 0 (a dummy) until elaborated. */
  slot = 0;
  /** Registers alone have a next value (entries of a RegArray are written through the array). */
  readonly isRegister: boolean;
  constructor(
    readonly owner: Module,
    readonly name: string,
    readonly width: number,
    readonly kind: SignalKind,
    /** The register array this signal is an entry of, if any. */
    readonly entryOf: RegArray | undefined = undefined,
  ) {
    checkName(owner, name);
    this.isRegister = kind === "reg" && entryOf === undefined;
  }
  /** Hierarchical name, e.g. `chip.pe_3_4.core0.pc`. */
  get path(): string {
    return `${this.owner.path}.${this.name}`;
  }
  abstract get isWide(): boolean;
}

/** A signal of 1 to 32 bits. Reads give unsigned numbers; `signed` gives the two's-complement view. */
export class Bits extends SignalBase {
  /** The low `width` bits set, as a uint32 number (0xffffffff for 32 bits). */
  readonly mask: number;
  /**
   * The same mask as an int32 (-1 for 32 bits): masking with a small integer keeps V8 on
   * integer arithmetic, where a 0xffffffff field would be a heap double.
   */
  private readonly intMask: number;
  /** 32 - width: the shift pair that sign-extends. */
  private readonly signShift: number;
  readonly init: number;
  readonly resettable: boolean;
  readonly fsm: FsmStates | undefined;

  constructor(owner: Module, name: string, width: number, kind: SignalKind, options: RegOptions = {}, entryOf?: RegArray) {
    if (!Number.isInteger(width) || width < 1 || width > 32) {
      throw new DesignError(
        `${owner.path}.${name}: width ${width} is not 1..32; declare wider signals with the *Wide methods`,
      );
    }
    super(owner, name, width, kind, entryOf);
    this.mask = widthMask(width);
    this.intMask = this.mask | 0;
    this.signShift = 32 - width;
    const init = options.init ?? 0;
    if (!Number.isInteger(init) || init < -(2 ** 31) || init > 0xffffffff) {
      throw new DesignError(`${owner.path}.${name}: init ${init} is not a ${width}-bit value`);
    }
    this.init = (init & this.mask) >>> 0;
    if (this.init !== init && init >= 0) {
      throw new DesignError(`${owner.path}.${name}: init ${init} does not fit in ${width} bits`);
    }
    this.resettable = options.resettable ?? true;
    this.fsm = options.fsm;
  }

  get isWide(): false {
    return false;
  }

  /** Current value, unsigned. */
  get value(): number {
    return NARROW[this.slot]!;
  }
  /** Drives a wire or output from combinational logic; masked to the width. */
  set value(v: number) {
    NARROW[this.slot] = v & this.intMask;
  }
  /** Current value as a signed two's-complement number. */
  get signed(): number {
    return (NARROW[this.slot]! << this.signShift) >> this.signShift;
  }
  /** Bit i of the current value (0 or 1). */
  bit(i: number): number {
    return (NARROW[this.slot]! >>> i) & 1;
  }
  /** The value a register will take at the next clock edge (its current value if unassigned). */
  get next(): number {
    return NARROW_NEXT[this.slot]!;
  }
  /** Assigns a register's next value, masked to the width. Only registers have one. */
  set next(v: number) {
    if (!this.isRegister) this.notARegister();
    NARROW_NEXT[this.slot] = v & this.intMask;
  }
  private notARegister(): never {
    throw new DesignError(`${this.path}: only registers have a next value (this is a ${this.kind})`);
  }
}

/** A signal wider than 32 bits: `value` is a bigint view, `word(i)` the fast word access. */
export class WideBits extends SignalBase {
  /** Number of 32-bit words. */
  readonly words: number;
  /** Mask of the valid bits of the top word. */
  readonly topMask: number;
  private readonly topIntMask: number;
  readonly init: bigint;
  readonly resettable: boolean;
  private readonly bigMask: bigint;

  constructor(owner: Module, name: string, width: number, kind: SignalKind, options: WideRegOptions = {}) {
    if (!Number.isInteger(width) || width < 1) {
      throw new DesignError(`${owner.path}.${name}: width ${width} is not a positive integer`);
    }
    super(owner, name, width, kind);
    this.words = Math.ceil(width / 32);
    this.topMask = widthMask(width - 32 * (this.words - 1));
    this.topIntMask = this.topMask | 0;
    this.bigMask = (1n << BigInt(width)) - 1n;
    const init = options.init ?? 0n;
    if (init < 0n || init > this.bigMask) {
      throw new DesignError(`${owner.path}.${name}: init ${init} does not fit in ${width} bits`);
    }
    this.init = init;
    this.resettable = options.resettable ?? true;
  }

  get isWide(): true {
    return true;
  }

  /** Word i (bits 32i+31..32i) of the current value. */
  word(i: number): number {
    return WIDE[this.slot + i]!;
  }
  /** Drives word i of a wide wire or output; the top word is masked to the width. */
  setWord(i: number, v: number): void {
    WIDE[this.slot + i] = i === this.words - 1 ? v & this.topIntMask : v;
  }
  /** Word i of a register's next value. */
  nextWord(i: number): number {
    return WIDE_NEXT[this.slot + i]!;
  }
  /** Assigns word i of a register's next value. */
  setNextWord(i: number, v: number): void {
    if (!this.isRegister) this.notARegister();
    WIDE_NEXT[this.slot + i] = i === this.words - 1 ? v & this.topIntMask : v;
  }
  /** Drives this wire from another wide signal of the same width (no allocation). */
  copyFrom(src: WideBits): void {
    WIDE.copyWithin(this.slot, src.slot, src.slot + this.words);
  }
  /** Assigns a register's next value from another wide signal of the same width. */
  copyNextFrom(src: WideBits): void {
    if (!this.isRegister) this.notARegister();
    for (let i = 0; i < this.words; i++) WIDE_NEXT[this.slot + i] = WIDE[src.slot + i]!;
  }

  /** Current value as an unsigned bigint (allocates: for testbenches, not hot paths). */
  get value(): bigint {
    return readWords(WIDE, this.slot, this.words);
  }
  set value(v: bigint) {
    writeWords(WIDE, this.slot, this.words, v & this.bigMask);
  }
  /** Current value as a signed bigint. */
  get signed(): bigint {
    return BigInt.asIntN(this.width, this.value);
  }
  get next(): bigint {
    return readWords(WIDE_NEXT, this.slot, this.words);
  }
  set next(v: bigint) {
    if (!this.isRegister) this.notARegister();
    writeWords(WIDE_NEXT, this.slot, this.words, v & this.bigMask);
  }
  private notARegister(): never {
    throw new DesignError(`${this.path}: only registers have a next value (this is a ${this.kind})`);
  }
}

export type Signal = Bits | WideBits;

/*
 * Writes to register arrays wait here until the clock edge (see RegArray.set): only the
 * entries written in a cycle cost anything at the edge, however large the arrays are.
 */
const PENDING_CAPACITY = 1 << 20;
const PENDING_SLOTS = new Int32Array(PENDING_CAPACITY);
const PENDING_VALUES = new Uint32Array(PENDING_CAPACITY);
const PENDING = { count: 0 };

/** Applies the register-array writes of this cycle, in the order they were made (last wins). */
export function applyRegArrayWrites(): void {
  const n = PENDING.count;
  for (let k = 0; k < n; k++) NARROW[PENDING_SLOTS[k]!] = PENDING_VALUES[k]!;
  PENDING.count = 0;
}

/** Drops writes made outside a cycle (e.g. by a testbench before elaboration). */
export function discardRegArrayWrites(): void {
  PENDING.count = 0;
}

export interface RegArrayOptions {
  /** Value of every entry after reset (default 0). */
  init?: number;
  /** false (the default): contents survive reset, like an SRAM; true: reset loads `init`. */
  resettable?: boolean;
  /**
   * Keep the array in this register bank (register-bank.ts): its entries sit next to the
   * bank's other arrays, and `set` writes the bank's next-value store.
   */
  bank?: RegisterBank;
}

/**
 * An array of registers (Chisel's `Reg(Vec(n, UInt(w.W)))`, a register file, NoC buffers):
 * `get(i)` reads the value from before the edge, `set(i, v)` (in clocked logic) gives entry
 * i its value after the edge; entries not set hold. Unlike n separate registers, the clock
 * edge touches only the entries written, so large arrays cost nothing while idle (an array in
 * a register bank is latched with the whole bank instead: register-bank.ts). Every
 * entry is also a signal (`name[i]`), so it shows in waveforms and can be peeked by name.
 */
export class RegArray {
  readonly entries: readonly Bits[];
  readonly mask: number;
  readonly init: number;
  readonly resettable: boolean;
  private readonly intMask: number;
  /** Slot of entry 0; entries are contiguous. Set at elaboration. */
  private base = 0;
  readonly bank: RegisterBank | undefined;
  /** A banked array's next values: the bank's store from index `bankAt` (null: writes wait in PENDING). */
  private bankNext: Uint32Array | null = null;
  /** The bank's copy of its current values, if it keeps one (register-bank.ts CurrentCopyOptions). */
  private bankCurrent: Uint32Array | null = null;
  private bankAt = 0;

  constructor(
    readonly owner: Module,
    readonly name: string,
    readonly length: number,
    readonly width: number,
    options: RegArrayOptions,
  ) {
    if (!Number.isInteger(length) || length < 1) throw new DesignError(`${owner.path}.${name}: length ${length} is not a positive integer`);
    this.entries = Array.from({ length }, (_, i) => new Bits(owner, `${name}[${i}]`, width, "reg", { init: options.init ?? 0 }, this));
    this.mask = widthMask(width);
    this.intMask = this.mask | 0;
    this.init = this.entries[0]!.init;
    this.resettable = options.resettable ?? false;
    this.bank = options.bank;
    this.bank?.add(this);
  }

  /** Entry i's current value. */
  get(i: number): number {
    if (i >>> 0 >= this.length) this.outOfRange(i);
    return NARROW[this.base + i]!;
  }

  /** Entry i's value after the next clock edge (masked to the width). Clocked logic only. */
  set(i: number, v: number): void {
    if (i >>> 0 >= this.length) this.outOfRange(i);
    const nx = this.bankNext;
    if (nx !== null) {
      nx[this.bankAt + i] = v & this.intMask;
      this.bank!.markWritten();
      return;
    }
    const n = PENDING.count;
    if (n === PENDING_CAPACITY) this.tooManyWrites();
    PENDING_SLOTS[n] = this.base + i;
    PENDING_VALUES[n] = v & this.intMask;
    PENDING.count = n + 1;
  }

  /**
   * Entries 0..n-1 take src[at..at+n-1] after the next clock edge (masked), as n calls of
   * `set` would, with one range check and one capacity check.
   */
  setFrom(src: Int32Array, at: number, n: number): void {
    if (n > this.length || n < 0) this.outOfRange(n - 1);
    const nx = this.bankNext;
    if (nx !== null) {
      for (let i = 0; i < n; i++) nx[this.bankAt + i] = src[at + i]! & this.intMask;
      this.bank!.markWritten();
      return;
    }
    const k = PENDING.count;
    if (k + n > PENDING_CAPACITY) this.tooManyWrites();
    const base = this.base, mask = this.intMask;
    for (let i = 0; i < n; i++) {
      PENDING_SLOTS[k + i] = base + i;
      PENDING_VALUES[k + i] = src[at + i]! & mask;
    }
    PENDING.count = k + n;
  }

  /** Slot of entry 0 (entries are contiguous), for the reset plan, register banks and pokes. */
  get firstSlot(): number {
    return this.base;
  }

  /** A banked array's next-value store, from the bank's elaboration (register-bank.ts). */
  bindBank(store: Uint32Array, at: number, current: Uint32Array | null): void {
    this.bankNext = store;
    this.bankCurrent = current;
    this.bankAt = at;
  }

  /** Entry i now and after the edge (a testbench poke: a banked entry's store must hold it too). */
  poke(i: number, v: number): void {
    NARROW[this.base + i] = v & this.intMask;
    if (this.bankNext === null) return;
    this.bankNext[this.bankAt + i] = v & this.intMask;
    if (this.bankCurrent !== null) this.bankCurrent[this.bankAt + i] = v & this.intMask;
    this.bank!.markChanged();
  }

  /** Loads `init` into every entry, now and in a bank's next-value store (synchronous reset). */
  resetEntries(): void {
    NARROW.fill(this.init, this.base, this.base + this.length);
    if (this.bankNext === null) return;
    this.bankNext.fill(this.init, this.bankAt, this.bankAt + this.length);
    this.bankCurrent?.fill(this.init, this.bankAt, this.bankAt + this.length);
    this.bank!.markChanged();
  }

  /** Takes the entries' slots once storage is allocated (they must be contiguous). */
  bind(): void {
    this.base = this.entries[0]!.slot;
    this.entries.forEach((e, i) => {
      if (e.slot !== this.base + i) throw new DesignError(`${this.owner.path}.${this.name}: entries are not contiguous (entry ${i})`);
    });
  }

  private outOfRange(i: number): never {
    throw new DesignError(`${this.owner.path}.${this.name}: index ${i} outside 0..${this.length - 1}`);
  }

  private tooManyWrites(): never {
    throw new DesignError(`${this.owner.path}.${this.name}: more than ${PENDING_CAPACITY} register-array writes in one cycle`);
  }
}

/**
 * A vector of narrow signals accessed by index, like Verilog's `wire [31:0] v [0:N-1]` or a
 * Chisel `Vec`: `get(i)` reads and `set(i, v)` drives signal i through a slot table instead of
 * through N signal objects, which is what a block that loops over many signals wants
 * (`setNext(i, v)` assigns a register's next value). Declared with `this.vec(...)`, which
 * binds it at elaboration. In compiled blocks (compile-batch.ts) the three become direct
 * accesses to the value stores.
 */
export class BitsVec {
  /** Each signal's slot in the value store (for the batch compiler). */
  readonly slots: Int32Array;
  /** Each signal's mask, as the int32 that `v & mask` wants. */
  readonly masks: Int32Array;
  /** Whether every signal is a register (setNext). */
  readonly registers: boolean;
  /**
   * A plain number, not `slots.length`: V8 reads a typed array's length as a 64-bit size and
   * re-checks and converts it on every loop test, which tripled the cost of `i < v.length` loops.
   */
  readonly length: number;
  /** When the slots, in some order, are exactly rangeBase..rangeBase+length-1 (else -1). */
  private rangeBase = -1;
  constructor(readonly signals: readonly Bits[]) {
    this.slots = new Int32Array(signals.length);
    this.masks = Int32Array.from(signals, (s) => s.mask | 0);
    this.registers = signals.every((s) => s.isRegister);
    this.length = signals.length;
  }
  /** Current value of signal i. */
  get(i: number): number {
    return NARROW[this.slots[i]!]!;
  }
  /** Drives signal i (a wire or output) from combinational logic; masked to its width. */
  set(i: number, v: number): void {
    NARROW[this.slots[i]!] = v & this.masks[i]!;
  }
  /** Assigns register i's next value, masked to its width. Clocked logic only. */
  setNext(i: number, v: number): void {
    if (!this.registers) this.notRegisters();
    NARROW_NEXT[this.slots[i]!] = v & this.masks[i]!;
  }
  private notRegisters(): never {
    const other = this.signals.find((s) => !s.isRegister)!;
    throw new DesignError(`${other.path}: setNext on a vector whose signals are not all registers (this is a ${other.kind})`);
  }
  /**
   * XOR of the current values of all the signals (Verilog's `^{...}` over the vector, Chisel's
   * `reduce(_ ^ _)`). When the slots fill one range, as for registers of identical instances,
   * it reads the store as that range with four independent accumulators: a loop of get()
   * calls re-checks two arrays per element (perf showed ~40 instructions per element).
   */
  reduceXor(): number {
    // Locals: V8 reloads (and re-checks) module bindings and fields on every loop iteration.
    const store = NARROW, n = this.length;
    if (this.rangeBase >= 0) {
      let s = this.rangeBase;
      const end = s + n;
      let a = 0, b = 0, c = 0, d = 0;
      for (; s + 3 < end; s += 4) {
        a ^= store[s]!;
        b ^= store[s + 1]!;
        c ^= store[s + 2]!;
        d ^= store[s + 3]!;
      }
      for (; s < end; s++) a ^= store[s]!;
      return (a ^ b ^ c ^ d) >>> 0;
    }
    const slots = this.slots;
    let x = 0;
    for (let i = 0; i < n; i++) x ^= store[slots[i]!]!;
    return x >>> 0;
  }
  /** OR of the current values of all the signals (Verilog's `|{...}`, Chisel's `orR` over the vector): 0 when every one is 0. */
  reduceOr(): number {
    const store = NARROW, slots = this.slots, n = this.length;
    let x = 0;
    for (let i = 0; i < n; i++) x |= store[slots[i]!]!;
    return x >>> 0;
  }
  /** Takes the signals' slots; elaboration calls it once storage is allocated. */
  bind(): void {
    for (let i = 0; i < this.signals.length; i++) this.slots[i] = this.signals[i]!.slot;
    // XOR does not care about order: what matters is whether the slots fill one range.
    const sorted = Int32Array.from(this.slots).sort();
    let range = this.length > 0;
    for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[0]! + i) range = false;
    this.rangeBase = range ? sorted[0]! : -1;
  }
}

/** Reads `count` little-endian 32-bit words as an unsigned bigint. */
export function readWords(store: Uint32Array, offset: number, count: number): bigint {
  let v = 0n;
  for (let i = count - 1; i >= 0; i--) v = (v << 32n) | BigInt(store[offset + i]!);
  return v;
}

/** Writes an unsigned bigint as `count` little-endian 32-bit words. */
export function writeWords(store: Uint32Array, offset: number, count: number, v: bigint): void {
  for (let i = 0; i < count; i++) {
    store[offset + i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
}
