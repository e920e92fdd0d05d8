/**
 * The PE local store: 128 KiB of SRAM in word-interleaved banks (kernel memories, one port
 * each), an instruction port and a data port (the core's bus interface, see core.ts), and the
 * MMIO window of PE registers (CLINT layout: msip, mtimecmp, mtime; plus an external
 * interrupt line for tests).
 *
 * - Bank of a word = word index mod `banks`; row = word index div `banks`.
 * - A data access may be misaligned: it touches two adjacent words, which are always in two
 *   different banks, so it still takes one cycle.
 * - Arbitration: the data port has priority; a fetch whose bank the data access uses waits
 *   (`i_req_ready` = 0). `d_req_ready` is always 1.
 * - Read data returns `latency` cycles after the request (the banks' read latency; default 1).
 */
import { Module, type Bits, type Memory } from "../rtl/index.ts";
import { LS_BASE, LS_SIZE, MMIO_BASE, MMIO_SIZE } from "./rv32.ts";

export interface LocalStoreOptions {
  /** Number of banks (power of two, default 4). */
  banks?: number;
  /** Read latency in cycles (default 1). */
  latency?: number;
  /** Size in bytes (default 128 KiB) and base address. */
  size?: number;
  base?: number;
}

export class LocalStore extends Module {
  readonly i_req_valid = this.input("i_req_valid", 1);
  readonly i_req_addr = this.input("i_req_addr", 32);
  readonly i_req_ready = this.output("i_req_ready", 1);
  readonly i_resp_valid = this.output("i_resp_valid", 1);
  readonly i_resp_data = this.output("i_resp_data", 32);
  readonly d_req_valid = this.input("d_req_valid", 1);
  readonly d_req_addr = this.input("d_req_addr", 32);
  readonly d_req_write = this.input("d_req_write", 1);
  readonly d_req_size = this.input("d_req_size", 2);
  readonly d_req_wdata = this.input("d_req_wdata", 32);
  readonly d_req_ready = this.output("d_req_ready", 1);
  readonly d_resp_valid = this.output("d_resp_valid", 1);
  readonly d_resp_data = this.output("d_resp_data", 32);
  readonly irq_msi = this.output("irq_msi", 1);
  readonly irq_mti = this.output("irq_mti", 1);
  readonly irq_mei = this.output("irq_mei", 1);
  readonly mtime_lo = this.output("mtime_lo", 32);
  readonly mtime_hi = this.output("mtime_hi", 32);

  // PE registers
  readonly msip = this.reg("msip", 1);
  readonly meip = this.reg("meip", 1);
  readonly mtime_l = this.reg("mtime", 32);
  readonly mtime_h = this.reg("mtimeh", 32);
  readonly mtimecmp_l = this.reg("mtimecmp", 32, { init: 0xffffffff });
  readonly mtimecmp_h = this.reg("mtimecmph", 32, { init: 0xffffffff });

  readonly banks: Memory<Bits>[];
  readonly bankCount: number;
  readonly latency: number;
  readonly base: number;
  readonly size: number;
  /** Response bookkeeping, one entry per latency stage (index latency-1 is the one answering). */
  private readonly pDv: Bits[];
  private readonly pDmmio: Bits[];
  private readonly pDbank: Bits[];
  private readonly pDoff: Bits[];
  private readonly pDsize: Bits[];
  private readonly pDmdata: Bits[];
  private readonly pIv: Bits[];
  private readonly pIbank: Bits[];
  // the answering stage, as plain fields (compiled accesses)
  private readonly lDv: Bits;
  private readonly lDmmio: Bits;
  private readonly lDbank: Bits;
  private readonly lDoff: Bits;
  private readonly lDsize: Bits;
  private readonly lDmdata: Bits;
  private readonly lIv: Bits;
  private readonly lIbank: Bits;
  private readonly en: Bits[];
  private readonly addr: Bits[];
  private readonly wen: Bits[];
  private readonly wdata: Bits[];
  private readonly wmask: Bits[];
  private readonly rdata: Bits[];
  private readonly bankMask: number;
  private readonly bankShift: number;

  constructor(parent: Module | null, name: string, options: LocalStoreOptions = {}) {
    super(parent, name);
    const n = options.banks ?? 4;
    if (!Number.isInteger(Math.log2(n)) || n < 2) throw new Error(`${this.path}: banks must be a power of two >= 2, got ${n}`);
    this.bankCount = n;
    this.bankMask = n - 1;
    this.bankShift = Math.log2(n);
    this.latency = options.latency ?? 1;
    this.base = options.base ?? LS_BASE;
    this.size = options.size ?? LS_SIZE;
    const depth = this.size / 4 / n;
    this.banks = Array.from({ length: n }, (_, k) =>
      this.memory(`bank${k}`, { depth, width: 32, readLatency: this.latency, ports: 1, byteEnables: true }));
    this.en = this.banks.map((b) => b.ports[0]!.en);
    this.addr = this.banks.map((b) => b.ports[0]!.addr);
    this.wen = this.banks.map((b) => b.ports[0]!.wen);
    this.wdata = this.banks.map((b) => b.ports[0]!.wdata);
    this.wmask = this.banks.map((b) => b.ports[0]!.wmask!);
    this.rdata = this.banks.map((b) => b.ports[0]!.rdata);
    const L = this.latency;
    const stage = (nm: string, w: number): Bits[] => Array.from({ length: L }, (_, i) => this.reg(`${nm}_${i}`, w));
    this.pDv = stage("p_dv", 1);
    this.pDmmio = stage("p_dmmio", 1);
    this.pDbank = stage("p_dbank", 8);
    this.pDoff = stage("p_doff", 2);
    this.pDsize = stage("p_dsize", 2);
    this.pDmdata = stage("p_dmdata", 32);
    this.pIv = stage("p_iv", 1);
    this.pIbank = stage("p_ibank", 8);
    this.lDv = this.pDv[L - 1]!;
    this.lDmmio = this.pDmmio[L - 1]!;
    this.lDbank = this.pDbank[L - 1]!;
    this.lDoff = this.pDoff[L - 1]!;
    this.lDsize = this.pDsize[L - 1]!;
    this.lDmdata = this.pDmdata[L - 1]!;
    this.lIv = this.pIv[L - 1]!;
    this.lIbank = this.pIbank[L - 1]!;
    this.connect(this.d_req_ready, 1);
    this.connect(this.irq_msi, this.msip);
    this.connect(this.irq_mei, this.meip);
    this.connect(this.mtime_lo, this.mtime_l);
    this.connect(this.mtime_hi, this.mtime_h);
    this.comb(
      {
        reads: [this.i_req_valid, this.i_req_addr, this.d_req_valid, this.d_req_addr, this.d_req_write, this.d_req_size, this.d_req_wdata],
        writes: [this.i_req_ready, ...this.en, ...this.addr, ...this.wen, ...this.wdata, ...this.wmask],
      },
      this.route,
    );
    this.comb({ reads: [...this.rdata], writes: [this.i_resp_valid, this.i_resp_data, this.d_resp_valid, this.d_resp_data, this.irq_mti] }, this.respond);
    this.seq(this.update);
  }

  /** Drives the bank ports from the two requests. */
  private route(): void {
    const en = this.en;
    const n = this.bankCount;
    for (let k = 0; k < n; k++) en[k]!.value = 0;
    let dBank0 = -1;
    let dBank1 = -1;
    if (this.d_req_valid.value === 1) {
      const off = (this.d_req_addr.value - this.base) >>> 0;
      if (off < this.size) {
        const word = off >>> 2;
        const b = off & 3;
        const sizeCode = this.d_req_size.value;
        const bytes = sizeCode === 0 ? 1 : sizeCode === 1 ? 2 : 4;
        const k0 = word & this.bankMask;
        const row0 = word >>> this.bankShift;
        const write = this.d_req_write.value;
        const data = this.d_req_wdata.value;
        const lanes = ((1 << bytes) - 1) << b;
        dBank0 = k0;
        en[k0]!.value = 1;
        this.addr[k0]!.value = row0;
        this.wen[k0]!.value = write;
        this.wdata[k0]!.value = (data << (8 * b)) >>> 0;
        this.wmask[k0]!.value = lanes & 15;
        if (b + bytes > 4) {
          const k1 = (word + 1) & this.bankMask;
          dBank1 = k1;
          en[k1]!.value = 1;
          this.addr[k1]!.value = (word + 1) >>> this.bankShift;
          this.wen[k1]!.value = write;
          this.wdata[k1]!.value = data >>> (32 - 8 * b);
          this.wmask[k1]!.value = lanes >>> 4;
        }
      }
    }
    let ready = 1;
    if (this.i_req_valid.value === 1) {
      const word = ((this.i_req_addr.value - this.base) >>> 0) >>> 2;
      const k = word & this.bankMask;
      if (k === dBank0 || k === dBank1) {
        ready = 0;
      } else {
        en[k]!.value = 1;
        this.addr[k]!.value = word >>> this.bankShift;
        this.wen[k]!.value = 0;
      }
    }
    this.i_req_ready.value = ready;
  }

  /** Read data back to the requesters. */
  private respond(): void {
    this.i_resp_valid.value = this.lIv.value;
    this.i_resp_data.value = this.rdata[this.lIbank.value]!.value;
    const dv = this.lDv.value;
    this.d_resp_valid.value = dv;
    if (dv === 1) {
      if (this.lDmmio.value === 1) {
        this.d_resp_data.value = this.lDmdata.value;
      } else {
        const k0 = this.lDbank.value;
        const b = this.lDoff.value;
        const lo = this.rdata[k0]!.value;
        let v = lo >>> (8 * b);
        if (b !== 0) v = (v | (this.rdata[(k0 + 1) & this.bankMask]!.value << (32 - 8 * b))) >>> 0;
        const sizeCode = this.lDsize.value;
        this.d_resp_data.value = sizeCode === 0 ? v & 0xff : sizeCode === 1 ? v & 0xffff : v;
      }
    } else {
      this.d_resp_data.value = 0;
    }
    const hi = this.mtime_h.value;
    const cmpHi = this.mtimecmp_h.value;
    this.irq_mti.value = hi > cmpHi || (hi === cmpHi && this.mtime_l.value >= this.mtimecmp_l.value) ? 1 : 0;
  }

  private update(): void {
    const L = this.latency;
    // shift the response bookkeeping (latency > 1)
    for (let i = L - 1; i > 0; i--) {
      this.pDv[i]!.next = this.pDv[i - 1]!.value;
      this.pDmmio[i]!.next = this.pDmmio[i - 1]!.value;
      this.pDbank[i]!.next = this.pDbank[i - 1]!.value;
      this.pDoff[i]!.next = this.pDoff[i - 1]!.value;
      this.pDsize[i]!.next = this.pDsize[i - 1]!.value;
      this.pDmdata[i]!.next = this.pDmdata[i - 1]!.value;
      this.pIv[i]!.next = this.pIv[i - 1]!.value;
      this.pIbank[i]!.next = this.pIbank[i - 1]!.value;
    }
    // mtime counts clock cycles
    const lo = this.mtime_l.value;
    let nlo = (lo + 1) >>> 0;
    let nhi = lo === 0xffffffff ? (this.mtime_h.value + 1) >>> 0 : this.mtime_h.value;
    let dv = 0;
    let mmio = 0;
    let mdata = 0;
    const addr = this.d_req_addr.value;
    if (this.d_req_valid.value === 1) {
      const off = (addr - this.base) >>> 0;
      const ioOff = (addr - 0x02000000) >>> 0;
      if (off >= this.size && ioOff < 0x10000) {
        mmio = 1;
        if (this.d_req_write.value === 1) {
          const v = this.d_req_wdata.value;
          if (ioOff === 0x0000) this.msip.next = v & 1;
          else if (ioOff === 0x0400) this.meip.next = v & 1;
          else if (ioOff === 0x4000) this.mtimecmp_l.next = v;
          else if (ioOff === 0x4004) this.mtimecmp_h.next = v;
          else if (ioOff === 0xbff8) nlo = v;
          else if (ioOff === 0xbffc) nhi = v;
        } else {
          dv = 1;
          if (ioOff === 0x0000) mdata = this.msip.value;
          else if (ioOff === 0x0400) mdata = this.meip.value;
          else if (ioOff === 0x4000) mdata = this.mtimecmp_l.value;
          else if (ioOff === 0x4004) mdata = this.mtimecmp_h.value;
          else if (ioOff === 0xbff8) mdata = lo;
          else if (ioOff === 0xbffc) mdata = this.mtime_h.value;
        }
      } else if (this.d_req_write.value === 0) {
        dv = 1;
      }
    }
    this.mtime_l.next = nlo;
    this.mtime_h.next = nhi;
    const first = this.pDv[0]!;
    first.next = dv;
    this.pDmmio[0]!.next = mmio;
    this.pDmdata[0]!.next = mdata;
    const dOff = (addr - this.base) >>> 0;
    this.pDbank[0]!.next = (dOff >>> 2) & this.bankMask;
    this.pDoff[0]!.next = dOff & 3;
    this.pDsize[0]!.next = this.d_req_size.value;
    const iGo = this.i_req_valid.value === 1 && this.i_req_ready.value === 1 ? 1 : 0;
    this.pIv[0]!.next = iGo;
    this.pIbank[0]!.next = (((this.i_req_addr.value - this.base) >>> 0) >>> 2) & this.bankMask;
  }

  /** Backdoor: copies bytes into the local store (loaders, tests). */
  loadBytes(address: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const off = (address + i - this.base) >>> 0;
      if (off >= this.size) throw new Error(`${this.path}: address 0x${((address + i) >>> 0).toString(16)} outside the local store`);
      const word = off >>> 2;
      this.banks[word & this.bankMask]!.loadBytes((word >>> this.bankShift) * 4 + (off & 3), data.subarray(i, i + 1));
    }
  }

  /** Backdoor: reads bytes. */
  readBytes(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const off = (address + i - this.base) >>> 0;
      const word = off >>> 2;
      out[i] = this.banks[word & this.bankMask]!.readBytes((word >>> this.bankShift) * 4 + (off & 3), 1)[0]!;
    }
    return out;
  }

  /** Backdoor: zero the whole store. */
  clear(): void {
    const zero = new Uint8Array(this.size / this.bankCount);
    for (const b of this.banks) b.loadBytes(0, zero);
  }
}

export { MMIO_BASE, MMIO_SIZE };
