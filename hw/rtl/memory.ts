/**
 * Memory: an SRAM macro with a declared number of ports, read latency and byte enables.
 *
 * Each port is a bundle of signals in the owning module (`<mem>_<i>_en`, `_addr`, `_wen`,
 * `_wdata`, `_wmask`, `_rdata`) that the module's logic drives like any other signal; port
 * inputs left undriven read as 0. At each clock edge every enabled port either writes
 * (`wen` = 1, byte lanes chosen by `wmask`) or reads. Reads see the contents from before the
 * edge's writes (read-first). With read latency L >= 1, read data appears on `rdata` L cycles
 * after the edge that sampled the address and holds until the next read returns; with L = 0,
 * `rdata` follows `addr` combinationally.
 */
import { DesignError } from "./errors.ts";
import type { Module } from "./module.ts";
import { PagedStorage } from "./paged-storage.ts";
import { Bits, NARROW, NARROW_NEXT, WideBits, type Signal } from "./signal.ts";

export interface MemoryOptions {
  /** Number of words. */
  depth: number;
  /** Bits per word (any width; > 32 gives wide port signals). */
  width: number;
  /** Cycles from address to data; 0 is an asynchronous read. Default 1. */
  readLatency?: number;
  /** Number of read/write ports. Default 1. */
  ports?: number;
  /** Byte-enable mask on writes (one bit per 8-bit lane). Default true when width >= 16. */
  byteEnables?: boolean;
  /** Host allocation granule in bytes. Default 64 KiB. */
  pageBytes?: number;
}

/** The signals of one port. `D` is Bits for memories of width <= 32, WideBits above. */
export interface MemoryPort<D extends Signal = Signal> {
  readonly en: Bits;
  readonly addr: Bits;
  readonly wen: Bits;
  readonly wdata: D;
  /** One bit per byte lane (Bits when at most 32 lanes); undefined without byte enables. */
  readonly wmask: (D extends Bits ? Bits : Signal) | undefined;
  readonly rdata: D;
}

/** Factory the owning Module passes in, so the port signals are declared in that module. */
export interface PortSignalFactory {
  narrow(name: string, width: number, kind: "wire" | "reg"): Bits;
  wide(name: string, width: number, kind: "wire" | "reg"): WideBits;
}

/** Bit mask selected by each 4-bit byte-enable pattern. */
const LANE_MASKS = Uint32Array.from({ length: 16 }, (_, m) => ((m & 1 ? 0xff : 0) | (m & 2 ? 0xff00 : 0) | (m & 4 ? 0xff0000 : 0) | (m & 8 ? 0xff000000 : 0)) >>> 0);

/** Address width for a memory of `depth` words. */
export function addressWidth(depth: number): number {
  return Math.max(1, Math.ceil(Math.log2(depth)));
}

export class Memory<D extends Signal = Signal> {
  readonly depth: number;
  readonly width: number;
  readonly readLatency: number;
  readonly bytesPerWord: number;
  readonly wordsPerEntry: number;
  readonly ports: readonly MemoryPort<D>[];
  private readonly storage: PagedStorage;
  private readonly topMask: number;
  /** Read pipeline (latency >= 2): per port, L-1 stages of (valid, words) in a ring. */
  private readonly stageValid: Uint8Array;
  private readonly stageData: Uint32Array;
  private stageHead = 0;
  /** Writes of the current edge, applied after its reads (read-first). */
  private readonly pendingWrite: Uint8Array;
  /** One port, narrow words, latency 1: takes the fast path in edge(). */
  private readonly simpleSram: boolean;
  /** The fast path's port slots (bind). */
  private enSlot = 0;
  private addrSlot = 0;
  private wenSlot = 0;
  private wdataSlot = 0;
  private wmaskSlot = 0;
  private rdataSlot = 0;
  private rdataMask = 0;

  constructor(
    readonly owner: Module,
    readonly name: string,
    options: MemoryOptions,
    factory: PortSignalFactory,
  ) {
    const where = `${owner.path}.${name}`;
    const { depth, width } = options;
    if (!Number.isSafeInteger(depth) || depth < 1) throw new DesignError(`${where}: depth ${depth} is not a positive integer`);
    if (!Number.isInteger(width) || width < 1) throw new DesignError(`${where}: width ${width} is not a positive integer`);
    const latency = options.readLatency ?? 1;
    if (!Number.isInteger(latency) || latency < 0 || latency > 64) throw new DesignError(`${where}: readLatency ${latency} is not 0..64`);
    const portCount = options.ports ?? 1;
    if (!Number.isInteger(portCount) || portCount < 1 || portCount > 16) throw new DesignError(`${where}: ports ${portCount} is not 1..16`);
    if (addressWidth(depth) > 32) throw new DesignError(`${where}: depth ${depth} needs more than 32 address bits`);
    this.depth = depth;
    this.width = width;
    this.readLatency = latency;
    this.bytesPerWord = Math.ceil(width / 8);
    this.wordsPerEntry = Math.ceil(width / 32);
    this.topMask = width % 32 === 0 ? 0xffffffff : (1 << width % 32) - 1;
    this.storage = new PagedStorage(depth, this.wordsPerEntry, options.pageBytes);
    const byteEnables = options.byteEnables ?? width >= 16;
    const make = (n: string, w: number, kind: "wire" | "reg"): Signal =>
      w > 32 ? factory.wide(`${name}_${n}`, w, kind) : factory.narrow(`${name}_${n}`, w, kind);
    const ports: MemoryPort<D>[] = [];
    for (let i = 0; i < portCount; i++) {
      const p = (n: string): string => (portCount === 1 ? n : `${i}_${n}`);
      ports.push({
        en: make(p("en"), 1, "wire") as Bits,
        addr: make(p("addr"), addressWidth(depth), "wire") as Bits,
        wen: make(p("wen"), 1, "wire") as Bits,
        wdata: make(p("wdata"), width, "wire") as D,
        wmask: byteEnables ? (make(p("wmask"), this.bytesPerWord, "wire") as D extends Bits ? Bits : Signal) : undefined,
        rdata: make(p("rdata"), width, latency === 0 ? "wire" : "reg") as D,
      });
    }
    this.ports = ports;
    const stages = Math.max(0, latency - 1);
    this.stageValid = new Uint8Array(portCount * stages);
    this.stageData = new Uint32Array(portCount * stages * this.wordsPerEntry);
    this.pendingWrite = new Uint8Array(portCount);
    this.simpleSram = portCount === 1 && width <= 32 && latency === 1;
  }

  /** The slot of the port's `en` when an edge with it at 0 does nothing (single-port, latency 1), else undefined. */
  get idleUnlessSlot(): number | undefined {
    return this.simpleSram ? this.ports[0]!.en.slot : undefined;
  }

  /** Host bytes allocated for contents so far. */
  get allocatedBytes(): number {
    return this.storage.allocatedBytes;
  }

  /** Port inputs that logic may leave undriven (they then read as 0). */
  optionalInputs(): Signal[] {
    const out: Signal[] = [];
    for (const p of this.ports) {
      out.push(p.en, p.addr, p.wen, p.wdata);
      if (p.wmask) out.push(p.wmask);
    }
    return out;
  }

  /** Signals the memory itself drives. */
  outputs(): Signal[] {
    return this.ports.map((p) => p.rdata);
  }

  /** For latency 0: the combinational read, one block per port. */
  combReads(): { port: MemoryPort<D>; fn: () => void }[] {
    if (this.readLatency !== 0) return [];
    return this.ports.map((port) => ({ port, fn: () => this.asyncRead(port) }));
  }

  private asyncRead(port: MemoryPort<D>): void {
    const index = port.addr.value;
    const rd = port.rdata;
    if (rd instanceof Bits) rd.value = index < this.depth ? this.storage.readWord(index, 0) : 0;
    else for (let w = 0; w < this.wordsPerEntry; w++) (rd as WideBits).setWord(w, index < this.depth ? this.storage.readWord(index, w) : 0);
  }

  /** Clock edge: reads (into rdata's next value or the pipeline), then writes. */
  edge(): void {
    if (this.simpleSram) {
      this.edgeSimple();
      return;
    }
    const ports = this.ports;
    const stages = this.readLatency - 1;
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i]!;
      const reading = p.en.value === 1 && p.wen.value === 0;
      this.pendingWrite[i] = p.en.value === 1 && p.wen.value === 1 ? 1 : 0;
      if (this.readLatency === 0) continue;
      if (stages === 0) {
        if (reading) this.readInto(p.addr.value, p.rdata);
        continue;
      }
      // Ring of `stages` entries per port: the oldest entry leaves to rdata, the new read takes its place.
      const at = i * stages + this.stageHead;
      if (this.stageValid[at] === 1) this.stageToRdata(at, p.rdata);
      this.stageValid[at] = reading ? 1 : 0;
      if (reading) {
        const index = p.addr.value;
        for (let w = 0; w < this.wordsPerEntry; w++) {
          this.stageData[at * this.wordsPerEntry + w] = index < this.depth ? this.storage.readWord(index, w) : 0;
        }
      }
    }
    if (stages > 0) this.stageHead = this.stageHead + 1 === stages ? 0 : this.stageHead + 1;
    for (let i = 0; i < ports.length; i++) if (this.pendingWrite[i] === 1) this.portWrite(ports[i]!);
  }

  /**
   * The common SRAM macro: one port, one word of <= 32 bits, read latency 1. A port does one
   * thing per edge, so read-first needs no ordering here.
   */
  /**
   * The single-port, narrow, latency-1 edge, on the port signals' slots: what the general
   * path does through five signal objects (a bank of the PE's local store takes this path).
   */
  private edgeSimple(): void {
    const n = NARROW;
    if (n[this.enSlot] !== 1) return;
    const index = n[this.addrSlot]!;
    if (n[this.wenSlot] === 0) {
      NARROW_NEXT[this.rdataSlot] = (index < this.depth ? this.storage.readWord(index, 0) : 0) & this.rdataMask;
    } else if (index < this.depth) {
      const lanes = this.wmaskSlot < 0 ? this.topMask : (LANE_MASKS[n[this.wmaskSlot]! & 15]! & this.topMask) >>> 0;
      this.storage.writeWord(index, 0, n[this.wdataSlot]!, lanes);
    }
  }

  /** Takes the port signals' slots for the simple edge; elaboration calls it once storage is allocated. */
  bind(): void {
    if (!this.simpleSram) return;
    const p = this.ports[0]!;
    this.addrSlot = p.addr.slot;
    this.wenSlot = p.wen.slot;
    this.wdataSlot = p.wdata.slot;
    this.wmaskSlot = p.wmask === undefined ? -1 : p.wmask.slot;
    this.rdataSlot = p.rdata.slot;
    this.rdataMask = (p.rdata as Bits).mask | 0;
    this.enSlot = p.en.slot;
  }

  private readInto(index: number, rd: Signal): void {
    if (rd instanceof Bits) rd.next = index < this.depth ? this.storage.readWord(index, 0) : 0;
    else for (let w = 0; w < this.wordsPerEntry; w++) rd.setNextWord(w, index < this.depth ? this.storage.readWord(index, w) : 0);
  }

  private stageToRdata(at: number, rd: Signal): void {
    const base = at * this.wordsPerEntry;
    if (rd instanceof Bits) rd.next = this.stageData[base]!;
    else for (let w = 0; w < this.wordsPerEntry; w++) rd.setNextWord(w, this.stageData[base + w]!);
  }

  private portWrite(p: MemoryPort<D>): void {
    const index = p.addr.value;
    if (index >= this.depth) return;
    for (let w = 0; w < this.wordsPerEntry; w++) {
      const data = p.wdata instanceof Bits ? p.wdata.value : (p.wdata as WideBits).word(w);
      this.storage.writeWord(index, w, data, this.laneMask(p.wmask, w));
    }
  }

  /** Bit mask of word `w` selected by the byte-enable signal (all bits without byte enables). */
  private laneMask(mask: Signal | undefined, w: number): number {
    const top = w === this.wordsPerEntry - 1 ? this.topMask : 0xffffffff;
    if (mask === undefined) return top;
    if (mask instanceof Bits && w === 0) return (LANE_MASKS[mask.value & 15]! & top) >>> 0;
    const lanes = mask instanceof Bits ? mask.value >>> (4 * w) : (mask as WideBits).word((4 * w) >>> 5) >>> ((4 * w) & 31);
    let m = 0;
    for (let b = 0; b < 4; b++) if ((lanes >>> b) & 1) m |= 0xff << (8 * b);
    return (m & top) >>> 0;
  }

  /** Clears read pipelines (contents are kept, as in a real SRAM). */
  resetPipelines(): void {
    this.stageValid.fill(0);
  }

  // ---- Backdoor access for testbenches and loaders (not clocked) ----

  private checkIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.depth) {
      throw new DesignError(`${this.owner.path}.${this.name}: index ${index} outside 0..${this.depth - 1}`);
    }
  }

  /** Word `index` (width <= 32). */
  peek(index: number): number {
    this.checkIndex(index);
    return this.storage.readWord(index, 0);
  }
  /** Sets word `index` (width <= 32), masked to the width. */
  poke(index: number, value: number): void {
    this.checkIndex(index);
    this.storage.writeWord(index, 0, value, this.topMask);
  }
  /** Word `index` of any width as a bigint. */
  peekBig(index: number): bigint {
    this.checkIndex(index);
    let v = 0n;
    for (let w = this.wordsPerEntry - 1; w >= 0; w--) v = (v << 32n) | BigInt(this.storage.readWord(index, w));
    return v;
  }
  pokeBig(index: number, value: bigint): void {
    this.checkIndex(index);
    for (let w = 0; w < this.wordsPerEntry; w++) {
      this.storage.writeWord(index, w, Number((value >> BigInt(32 * w)) & 0xffffffffn), w === this.wordsPerEntry - 1 ? this.topMask : 0xffffffff);
    }
  }

  /** Copies bytes in, little-endian within each word; byte address = index * bytesPerWord + lane. */
  loadBytes(byteAddress: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const a = byteAddress + i;
      const index = Math.floor(a / this.bytesPerWord);
      this.checkIndex(index);
      const lane = a - index * this.bytesPerWord;
      this.storage.writeWord(index, lane >>> 2, data[i]! << (8 * (lane & 3)), 0xff << (8 * (lane & 3)));
    }
  }

  /** Reads `length` bytes from a byte address (see loadBytes). */
  readBytes(byteAddress: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const a = byteAddress + i;
      const index = Math.floor(a / this.bytesPerWord);
      this.checkIndex(index);
      const lane = a - index * this.bytesPerWord;
      out[i] = (this.storage.readWord(index, lane >>> 2) >>> (8 * (lane & 3))) & 0xff;
    }
    return out;
  }
}
