import { instantiateOver, memoryCopyFunction, moduleBytes } from "../../waveforms/wasm-module.ts";
import { DesignError, type CurrentCopyOptions } from "../rtl/index.ts";

/**
 * Backing store for register files kept in module-level typed arrays (router-fabric.ts,
 * ni-fabric.ts, traffic-fabric.ts). V8 embeds the base and length of a module-level constant
 * typed array in optimised code, where an array held in a field costs a map check and three
 * loads at each access (the kernel's value stores are module-level for the same reason). So each
 * of those files views one `RegisterHeap` through its own module-level arrays, and every
 * instance (a fabric) takes a range of it, given back when the instance is garbage collected.
 *
 * The buffer is page-aligned (records can start on cache lines) and, like any large zeroed
 * allocation, committed by the OS only where it is touched. It is WebAssembly memory, which
 * the compiled code works on, shared so that a second thread can step some of the routers. A
 * range comes back through a FinalizationRegistry, whose callbacks run only between event-loop
 * turns: one synchronous run can hold about 650 8x8 meshes (1 GB, ~1.6 MB each) before it runs out.
 */

export class RegisterHeap {
  /** The memory compiled code imports, and its buffer. */
  readonly memory: WebAssembly.Memory;
  readonly buffer: ArrayBuffer;
  /** Size in 64 KiB WebAssembly pages. */
  readonly pages: number;
  readonly bytes: number;
  /** Free ranges, [start, end) in bytes, sorted by start and coalesced. */
  private readonly free: number[][];
  private readonly release = new FinalizationRegistry<number[]>((r) => this.give(r[0]!, r[1]!));
  private readonly zero: Uint8Array;
  /** memory.copy(dst, src, bytes) over the heap (copyWords). */
  private readonly copy: (dst: number, src: number, bytes: number) => void;

  constructor(readonly name: string, bytes: number) {
    this.pages = Math.ceil(bytes / 65536);
    this.bytes = this.pages * 65536;
    this.memory = new WebAssembly.Memory({ initial: this.pages, maximum: this.pages, shared: true });
    this.buffer = this.memory.buffer;
    this.zero = new Uint8Array(this.buffer);
    const module = new WebAssembly.Module(moduleBytes([memoryCopyFunction()], this.pages));
    this.copy = instantiateOver(module, this.memory)["copy"] as (dst: number, src: number, bytes: number) => void;
    this.free = [[0, this.bytes]];
  }

  /** Byte offset of `bytes` zeroed bytes (rounded up to whole cache lines) owned by `owner`. */
  take(owner: object, bytes: number): number {
    const n = Math.ceil(bytes / 64) * 64;
    for (let k = 0; k < this.free.length; k++) {
      const f = this.free[k]!;
      if (f[1]! - f[0]! < n) continue;
      const start = f[0]!;
      f[0] = start + n;
      if (f[0] === f[1]) this.free.splice(k, 1);
      this.zero.fill(0, start, start + n);
      this.release.register(owner, [start, start + n]);
      return start;
    }
    // Ranges come back only after a garbage collection and a turn of the event loop, so a
    // synchronous loop that builds many networks without returning can run out.
    throw new RangeError(
      `noc: ${this.name} needs ${n} more bytes than the ${this.bytes >>> 20} MB that networks still alive (or not yet collected) leave free; ` +
        "build fewer networks per synchronous run, or let the event loop turn between them",
    );
  }

  /** A zeroed view of `words` 32-bit words owned by `owner` (e.g. a register bank's NextStoreFactory). */
  takeWords(owner: object, words: number): Uint32Array {
    return new Uint32Array(this.buffer, this.take(owner, words * 4), words);
  }

  /**
   * A register bank's copy of its current values in the heap, owned by `owner`, refreshed with
   * memory.copy (RegisterBankOptions.currentCopy): the bank's next-value store must be in the
   * heap too (its `nextStore` from takeWords).
   */
  currentCopy(owner: object): CurrentCopyOptions {
    return {
      memory: (words) => this.takeWords(owner, words),
      copier: (to, from) => {
        if (from.buffer !== this.buffer) throw new DesignError(`${this.name}: a bank keeps its current copy here only if its next-value store is here too`);
        const dst = to.byteOffset;
        const src = from.byteOffset;
        const bytes = to.length * 4;
        return () => this.copy(dst, src, bytes);
      },
    };
  }

  /**
   * Copies `words` 32-bit words from H32 index `src` to `dst` within the heap with WebAssembly's
   * memory.copy, a native memmove: V8 copies a typed array into or out of shared memory with
   * relaxed atomics, 6 to 8 times slower (2,304 words: 0.6-0.9 us against 0.1).
   */
  copyWords(dst: number, src: number, words: number): void {
    this.copy(dst * 4, src * 4, words * 4);
  }

  private give(start: number, end: number): void {
    const free = this.free;
    let k = 0;
    while (k < free.length && free[k]![0]! < start) k++;
    free.splice(k, 0, [start, end]);
    // coalesce with the neighbours
    if (k + 1 < free.length && free[k + 1]![0] === end) free[k]![1] = free.splice(k + 1, 1)[0]![1]!;
    if (k > 0 && free[k - 1]![1] === start) free[k - 1]![1] = free.splice(k, 1)[0]![1]!;
  }
}

/**
 * The heap of the NoC's register files (routers, network interfaces, traffic endpoints:
 * router-fabric.ts, ni-fabric.ts, traffic-fabric.ts), of the next-value stores of their register
 * banks (links, NI client sides, endpoints) and of their value mirrors: WebAssembly memory,
 * shared so that a second thread can step routers. One heap, because one compiled module sees
 * one memory.
 */
export const NOC_HEAP = new RegisterHeap("NoC state", 1 << 30);
