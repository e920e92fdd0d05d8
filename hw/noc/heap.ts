/**
 * Backing store for register files kept in module-level typed arrays (router-fabric.ts,
 * ni.ts). V8 embeds the base and length of a module-level constant typed array in optimised
 * code, where an array held in a field costs a map check and three loads at each access (the
 * kernel's value stores are module-level for the same reason). So each of those files views one
 * `RegisterHeap` through its own module-level arrays, and every instance (a fabric, an NI) takes
 * a range of it, given back when the instance is garbage collected.
 *
 * The buffer is page-aligned (records can start on cache lines) and, like any large zeroed
 * allocation, committed by the OS only where it is touched. It is WebAssembly memory when
 * compiled code works on it (the routers), shared so that a second thread can step some of
 * them; otherwise a plain ArrayBuffer, because V8's optimised JavaScript checks a typed array
 * over WebAssembly memory more at every access (its length may change). A range comes
 * back through a FinalizationRegistry, whose callbacks run only between event-loop turns: one
 * synchronous run can hold about 650 8x8 meshes (1 GB, ~1.6 MB each) before it runs out.
 */
/** What backs a heap: a plain buffer, or WebAssembly memory shared between threads. */
export type HeapKind = "plain" | "shared-wasm";

export class RegisterHeap {
  /** The memory compiled code imports (kind "shared-wasm"), and the buffer. */
  readonly memory: WebAssembly.Memory | undefined;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Size in 64 KiB WebAssembly pages. */
  readonly pages: number;
  readonly bytes: number;
  /** Free ranges, [start, end) in bytes, sorted by start and coalesced. */
  private readonly free: number[][];
  private readonly release = new FinalizationRegistry<number[]>((r) => this.give(r[0]!, r[1]!));
  private readonly zero: Uint8Array;

  constructor(readonly name: string, bytes: number, kind: HeapKind) {
    this.pages = Math.ceil(bytes / 65536);
    this.bytes = this.pages * 65536;
    this.memory = kind === "shared-wasm" ? new WebAssembly.Memory({ initial: this.pages, maximum: this.pages, shared: true }) : undefined;
    this.buffer = this.memory?.buffer ?? new ArrayBuffer(this.bytes);
    this.zero = new Uint8Array(this.buffer);
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
