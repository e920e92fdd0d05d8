/**
 * On-chip SRAM slice (default 2 MB): N SramBanks with word interleaving behind P ready/valid
 * request ports, and the chip-level map of the 64 slices.
 *
 * A request carries a byte address inside the slice; the 16-B word (bank width) it falls in
 * goes to bank `word mod N`, row `word / N`. Each cycle every bank takes at most one request;
 * when several ports want the same bank, a rotating priority (a register advanced whenever a
 * conflict happens) picks one and the others see `req_ready` = 0 (a bank conflict, counted).
 * Reads return on the requesting port's response port (`rsp_*`, ready/valid, with the
 * request's `id` and `error` for an uncorrectable ECC error) through a per-port response
 * buffer; a port only issues reads for which its buffer has room, so responses never drop.
 * Writes have no response. Contents are the banks' lazily paged storage.
 *
 * State: the port outputs and the priority pointer are registers; the per-bank tag queues
 * (which port and id each in-flight read belongs to) and the response buffers are typed arrays
 * that change only in `update`.
 */
import { Module, type Bits, type WideBits } from "../rtl/index.ts";
import { SramBank } from "./sram-bank.ts";

export interface SramSliceOptions {
  /** Bytes in the slice (power of two). Default 2 MiB. */
  bytes?: number;
  /** Banks (power of two). Default 8. */
  banks?: number;
  /** Bank word width in bits (64..256, multiple of 64). Default 128. */
  width?: number;
  /** Bank read latency. Default 2. */
  readLatency?: number;
  /** Request ports. Default 2. */
  ports?: number;
  ecc?: boolean;
  /** Response buffer entries per port. Default 8. */
  responseDepth?: number;
}

export interface SlicePort {
  readonly req_valid: Bits;
  readonly req_ready: Bits;
  readonly req_write: Bits;
  readonly req_addr: Bits;
  readonly req_id: Bits;
  readonly req_wdata: WideBits;
  readonly req_wmask: Bits;
  readonly rsp_valid: Bits;
  readonly rsp_ready: Bits;
  readonly rsp_id: Bits;
  readonly rsp_data: WideBits;
  readonly rsp_error: Bits;
}

interface PortRegs {
  valid: Bits;
  id: Bits;
  data: WideBits;
  error: Bits;
}

export class SramSlice extends Module {
  readonly ports: SlicePort[];
  readonly banks: SramBank[];
  readonly bytes: number;
  readonly width: number;
  readonly responseDepth: number;
  /** Requests refused because another port took the bank this cycle. */
  conflicts = 0;
  reads = 0;
  writes = 0;

  private readonly nb: number;
  private readonly np: number;
  private readonly words: number;
  private readonly wordShift: number;
  private readonly bankShift: number;
  private readonly prio: Bits;
  private readonly regs: PortRegs[];
  /** Scratch of the comb block: port granted per bank in this evaluation (-1: none). */
  private readonly grant: Int8Array;
  // Per-bank tag FIFOs (port, id) of reads in flight.
  private readonly tagPort: Uint8Array;
  private readonly tagId: Uint16Array;
  private readonly tagHead: Uint8Array;
  private readonly tagCount: Uint8Array;
  private readonly tagDepth = 16;
  // Per-port response buffers.
  private readonly inflight: Uint16Array;
  private readonly rspId: Uint16Array;
  private readonly rspErr: Uint8Array;
  private readonly rspData: Uint32Array;
  private readonly rspHead: Uint16Array;
  private readonly rspCount: Uint16Array;
  private readonly rspDirty: Uint8Array;

  constructor(parent: Module | null, name: string, options: SramSliceOptions = {}) {
    super(parent, name);
    this.bytes = options.bytes ?? 2 * 1024 * 1024;
    this.nb = options.banks ?? 8;
    this.np = options.ports ?? 2;
    this.width = options.width ?? 128;
    this.responseDepth = options.responseDepth ?? 8;
    const pow2 = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
    if (!pow2(this.bytes) || !pow2(this.nb)) throw new RangeError(`${this.path}: bytes and banks must be powers of two`);
    if (this.np < 1 || this.np > 8) throw new RangeError(`${this.path}: ports must be 1..8`);
    this.words = this.width / 32;
    const wordBytes = this.width / 8;
    if (!pow2(wordBytes)) throw new RangeError(`${this.path}: width must be 64, 128 or 256 bits`);
    this.wordShift = 31 - Math.clz32(wordBytes);
    this.bankShift = 31 - Math.clz32(this.nb);
    const depth = this.bytes / wordBytes / this.nb;
    this.banks = [];
    for (let b = 0; b < this.nb; b++) {
      this.banks.push(new SramBank(this, `bank${b}`, { depth, width: this.width, readLatency: options.readLatency ?? 2, ecc: options.ecc ?? false }));
    }
    const addrBits = 31 - Math.clz32(this.bytes);
    this.ports = [];
    this.regs = [];
    for (let p = 0; p < this.np; p++) {
      const port: SlicePort = {
        req_valid: this.input(`p${p}_req_valid`, 1),
        req_ready: this.output(`p${p}_req_ready`, 1),
        req_write: this.input(`p${p}_req_write`, 1),
        req_addr: this.input(`p${p}_req_addr`, addrBits),
        req_id: this.input(`p${p}_req_id`, 16),
        req_wdata: this.inputWide(`p${p}_req_wdata`, this.width),
        req_wmask: this.input(`p${p}_req_wmask`, wordBytes),
        rsp_valid: this.output(`p${p}_rsp_valid`, 1),
        rsp_ready: this.input(`p${p}_rsp_ready`, 1),
        rsp_id: this.output(`p${p}_rsp_id`, 16),
        rsp_data: this.outputWide(`p${p}_rsp_data`, this.width),
        rsp_error: this.output(`p${p}_rsp_error`, 1),
      };
      const regs: PortRegs = {
        valid: this.reg(`p${p}_rsp_valid_r`, 1),
        id: this.reg(`p${p}_rsp_id_r`, 16),
        data: this.regWide(`p${p}_rsp_data_r`, this.width),
        error: this.reg(`p${p}_rsp_error_r`, 1),
      };
      this.connect(port.rsp_valid, regs.valid);
      this.connect(port.rsp_id, regs.id);
      this.connect(port.rsp_data, regs.data);
      this.connect(port.rsp_error, regs.error);
      this.ports.push(port);
      this.regs.push(regs);
    }
    this.prio = this.reg("prio", 3);
    this.grant = new Int8Array(this.nb).fill(-1);
    this.tagPort = new Uint8Array(this.nb * this.tagDepth);
    this.tagId = new Uint16Array(this.nb * this.tagDepth);
    this.tagHead = new Uint8Array(this.nb);
    this.tagCount = new Uint8Array(this.nb);
    const d = this.responseDepth;
    this.inflight = new Uint16Array(this.np);
    this.rspId = new Uint16Array(this.np * d);
    this.rspErr = new Uint8Array(this.np * d);
    this.rspData = new Uint32Array(this.np * d * this.words);
    this.rspHead = new Uint16Array(this.np);
    this.rspCount = new Uint16Array(this.np);
    this.rspDirty = new Uint8Array(this.np);

    const reads = [];
    const writes = [];
    for (const p of this.ports) reads.push(p.req_valid, p.req_write, p.req_addr, p.req_wdata, p.req_wmask);
    for (const b of this.banks) {
      reads.push(b.req_ready);
      writes.push(b.req_valid, b.req_write, b.req_addr, b.req_wdata, b.req_wmask);
    }
    for (const p of this.ports) writes.push(p.req_ready);
    this.comb({ reads, writes, name: "arbitrate" }, this.arbitrate);
    this.seq(this.update, "update");
  }

  private bankOf(addr: number): number {
    return (addr >>> this.wordShift) & (this.nb - 1);
  }

  /** Combinational: grants each bank to one requesting port, drives the banks and req_ready. */
  private arbitrate(): void {
    const np = this.np;
    const grant = this.grant;
    for (let b = 0; b < this.nb; b++) {
      if (grant[b] !== -1) {
        grant[b] = -1;
        this.banks[b]!.req_valid.value = 0;
      }
    }
    const start = this.prio.value % np;
    for (let i = 0; i < np; i++) {
      const p = start + i < np ? start + i : start + i - np;
      const port = this.ports[p]!;
      port.req_ready.value = 0;
      if (port.req_valid.value === 0) continue;
      const b = this.bankOf(port.req_addr.value);
      const bank = this.banks[b]!;
      if (grant[b] !== -1 || bank.req_ready.value === 0) continue;
      const write = port.req_write.value === 1;
      if (!write && this.inflight[p]! + this.rspCount[p]! >= this.responseDepth) continue;
      grant[b] = p;
      port.req_ready.value = 1;
      bank.req_valid.value = 1;
      bank.req_write.value = port.req_write.value;
      bank.req_addr.value = port.req_addr.value >>> (this.wordShift + this.bankShift);
      if (write) {
        bank.req_wdata.copyFrom(port.req_wdata);
        bank.req_wmask.value = port.req_wmask.value;
      }
    }
  }

  private update(): void {
    const np = this.np;
    // Accepted requests.
    {
      let conflict = false;
      for (let p = 0; p < np; p++) {
        const port = this.ports[p]!;
        if (port.req_valid.value === 0) continue;
        if (port.req_ready.value === 0) {
          // Refused: a conflict when another port was given the bank this cycle.
          const bank = this.banks[this.bankOf(port.req_addr.value)]!;
          if (bank.req_valid.value === 1) {
            conflict = true;
            this.conflicts++;
          }
          continue;
        }
        if (port.req_write.value === 1) {
          this.writes++;
          continue;
        }
        this.reads++;
        const b = this.bankOf(port.req_addr.value);
        const at = b * this.tagDepth + ((this.tagHead[b]! + this.tagCount[b]!) & (this.tagDepth - 1));
        this.tagPort[at] = p;
        this.tagId[at] = port.req_id.value;
        this.tagCount[b]!++;
        this.inflight[p]!++;
      }
      if (conflict) this.prio.next = (this.prio.value + 1) % np;
    }
    // Responses leaving.
    const d = this.responseDepth;
    for (let p = 0; p < np; p++) {
      if (this.rspCount[p] === 0) continue;
      if (this.regs[p]!.valid.value === 1 && this.ports[p]!.rsp_ready.value === 1) {
        this.rspHead[p] = this.rspHead[p]! + 1 === d ? 0 : this.rspHead[p]! + 1;
        this.rspCount[p]!--;
        this.rspDirty[p] = 1;
      }
    }
    // Bank read data arriving.
    for (let b = 0; b < this.nb; b++) {
      if (this.tagCount[b] === 0) continue;
      const bank = this.banks[b]!;
      if (bank.rsp_valid.value === 0) continue;
      const at = b * this.tagDepth + this.tagHead[b]!;
      const p = this.tagPort[at]!;
      this.tagHead[b] = (this.tagHead[b]! + 1) & (this.tagDepth - 1);
      this.tagCount[b]!--;
      this.inflight[p]!--;
      let slot = this.rspHead[p]! + this.rspCount[p]!;
      if (slot >= d) slot -= d;
      const e = p * d + slot;
      this.rspId[e] = this.tagId[at]!;
      this.rspErr[e] = bank.rsp_error.value;
      for (let w = 0; w < this.words; w++) this.rspData[e * this.words + w] = bank.rsp_data.word(w);
      this.rspCount[p]!++;
      this.rspDirty[p] = 1;
    }
    for (let p = 0; p < np; p++) {
      if (this.rspDirty[p] === 0) continue;
      this.rspDirty[p] = 0;
      const r = this.regs[p]!;
      if (this.rspCount[p] === 0) {
        r.valid.next = 0;
        continue;
      }
      const e = p * d + this.rspHead[p]!;
      r.valid.next = 1;
      r.id.next = this.rspId[e]!;
      r.error.next = this.rspErr[e]!;
      for (let w = 0; w < this.words; w++) r.data.setNextWord(w, this.rspData[e * this.words + w]!);
    }
  }
}

export interface SliceMapOptions {
  /** Number of slices (power of two). Default 64. */
  slices?: number;
  /** Bytes per slice (power of two). Default 2 MiB. */
  sliceBytes?: number;
  /** Interleaving granule in bytes (power of two); `sliceBytes` = no interleaving. Default 256. */
  granule?: number;
}

/**
 * The on-chip SRAM address map: a global SRAM byte address (0 .. slices x sliceBytes) to a
 * slice and an offset in it. Consecutive granules go to consecutive slices, so a stream
 * spreads over all slices; with granule = sliceBytes each slice is one contiguous range.
 */
export class SliceMap {
  readonly slices: number;
  readonly sliceBytes: number;
  readonly granule: number;
  private readonly gShift: number;
  private readonly sShift: number;

  constructor(options: SliceMapOptions = {}) {
    this.slices = options.slices ?? 64;
    this.sliceBytes = options.sliceBytes ?? 2 * 1024 * 1024;
    this.granule = options.granule ?? 256;
    const pow2 = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
    if (!pow2(this.slices) || !pow2(this.sliceBytes) || !pow2(this.granule) || this.granule > this.sliceBytes) {
      throw new RangeError("SliceMap: slices, sliceBytes and granule must be powers of two, granule <= sliceBytes");
    }
    this.gShift = 31 - Math.clz32(this.granule);
    this.sShift = 31 - Math.clz32(this.slices);
  }

  get totalBytes(): number {
    return this.slices * this.sliceBytes;
  }

  sliceOf(addr: number): number {
    return Math.floor(addr / this.granule) % this.slices;
  }

  offsetOf(addr: number): number {
    const g = Math.floor(addr / this.granule);
    return Math.floor(g / this.slices) * this.granule + (addr % this.granule);
  }

  /** Inverse of (sliceOf, offsetOf). */
  addressOf(slice: number, offset: number): number {
    const g = Math.floor(offset / this.granule);
    return (g * this.slices + slice) * this.granule + (offset % this.granule);
  }

  /** log2 of the granule and of the slice count (for hardware decoders). */
  get shifts(): { granule: number; slices: number } {
    return { granule: this.gShift, slices: this.sShift };
  }
}
