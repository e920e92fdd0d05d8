/**
 * A mirror of some signals' current values in memory of the caller's choosing (e.g. the
 * WebAssembly memory a compiled block reads its inputs from), refreshed once per cycle.
 *
 * Why: a loop over the signals' slots costs V8 about fifty instructions a word (measured on the
 * NoC's NIs and traffic endpoints), while a typed-array copy moves a word in about one. The
 * signals of a block's inputs are usually registers of a few modules, whose slots are close
 * together in the value store; so the mirror copies the runs of the store that hold them, one
 * copy per run, and tells the caller where each signal's copy is. A register of a bank that
 * keeps a copy of its current values (CurrentCopyOptions) is not copied at all: its index is
 * into the bank's copy, which the bank keeps up to date at the edge (the NoC's NIs and traffic
 * endpoints read each other's registers so: V8 copies from the value store into shared memory
 * word by word, which cost about 1.3 us of an 8x8 mesh's cycle).
 */
import type { Module } from "./module.ts";
import { NARROW, type BitsVec } from "./signal.ts";
import { alignedToSlot, type NextStoreFactory, type RegisterBank } from "./register-bank.ts";

/** Slots at most this many words apart are copied in one run (a few words too many cost less than one more copy). */
const RUN_GAP = 64;

export class ValueMirror {
  /** Where signal i's copy is: its element index in the memory's buffer (as 4-byte words). */
  readonly index: Int32Array;
  private readonly sources: Uint32Array[] = [];
  private readonly targets: Uint32Array[] = [];

  /**
   * `signals` must be bound (after elaboration). `place(words)` gives memory for the copy of a
   * run (one word more than the run, so that the copy starts at the address modulo 8 of the
   * run's first slot: NextStoreFactory says why). With `memory`, the buffer `place` gives
   * memory in: slots held by a register bank of the design that keeps its copy of its current
   * values in that buffer are read there, not copied.
   */
  constructor(signals: BitsVec, place: NextStoreFactory, memory?: ArrayBufferLike) {
    const banks = memory !== undefined && signals.length > 0 ? banksKeepingCopies(signals.signals[0]!.owner.root, memory) : [];
    const slots = signals.slots;
    /** Element index (in its buffer, 4-byte words) of the copy of each slot. */
    const where = new Map<number, number>();
    for (const s of slots) {
      const bank = banks.find((b) => b.holds(s));
      if (bank !== undefined) where.set(s, (bank.currentCopy!.byteOffset >> 2) + s - bank.firstSlot);
    }
    const sorted = Array.from(slots).filter((s) => !where.has(s)).sort((a, b) => a - b);
    for (let k = 0; k < sorted.length; ) {
      let end = k + 1;
      while (end < sorted.length && sorted[end]! - sorted[end - 1]! <= RUN_GAP) end++;
      const lo = sorted[k]!;
      const hi = sorted[end - 1]!;
      const target = alignedToSlot(place(hi - lo + 2), hi - lo + 1, lo);
      this.sources.push(NARROW.subarray(lo, hi + 1));
      this.targets.push(target);
      // (a banked slot inside the run stays read in its bank's copy)
      for (let s = lo; s <= hi; s++) if (!where.has(s)) where.set(s, (target.byteOffset >> 2) + s - lo);
      k = end;
    }
    this.index = Int32Array.from(slots, (s) => where.get(s)!);
    this.refresh();
  }

  /** Copies the current values (once per cycle, before the block reads them). */
  refresh(): void {
    const s = this.sources;
    const t = this.targets;
    for (let i = 0; i < s.length; i++) t[i]!.set(s[i]!);
  }
}

/** The register banks of the design under `root` that keep a copy of their current values in `memory`. */
function banksKeepingCopies(root: Module, memory: ArrayBufferLike): RegisterBank[] {
  const banks = new Set<RegisterBank>();
  const visit = (m: Module): void => {
    for (const a of m.regArrays) if (a.bank?.currentCopy?.buffer === memory) banks.add(a.bank);
    m.children.forEach(visit);
  };
  visit(root);
  return [...banks];
}
