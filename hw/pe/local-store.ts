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
import { Module, type Bits, type BitsVec, type Memory } from "../rtl/index.ts";
import { LS_BASE, LS_SIZE, MMIO_BASE, MMIO_SIZE } from "./rv32.ts";

export interface LocalStoreOptions {
  /** Number of banks (power of two 2..32, default 4; the enable masks are 32-bit). */
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

  /** The banks' SRAMs (bank k holds the words whose index mod `bankCount` is k). */
  readonly banks: Memory<Bits>[];
  readonly bankCount: number;
  readonly latency: number;
  readonly base: number;
  readonly size: number;

  /**
   * Store data rotated left by the byte offset: the enabled lanes of both words of a
   * misaligned store then hold the right bytes, so every bank's write data is this one net.
   */
  private readonly wdata: Bits;
  /** The banks' read data, by bank number. */
  private readonly rdata: BitsVec;
  // Bank port inputs, by bank number (the generic path of `route`)...
  private readonly en: Bits[];
  private readonly addr: Bits[];
  private readonly wen: Bits[];
  private readonly wmask: Bits[];
  // ...and, for the default 4 banks, as plain fields: `route` then writes them as direct
  // signal accesses (an access through an array of signals costs several times as much).
  private readonly en0: Bits | undefined;
  private readonly en1: Bits | undefined;
  private readonly en2: Bits | undefined;
  private readonly en3: Bits | undefined;
  private readonly addr0: Bits | undefined;
  private readonly addr1: Bits | undefined;
  private readonly addr2: Bits | undefined;
  private readonly addr3: Bits | undefined;
  private readonly wen0: Bits | undefined;
  private readonly wen1: Bits | undefined;
  private readonly wen2: Bits | undefined;
  private readonly wen3: Bits | undefined;
  private readonly wmask0: Bits | undefined;
  private readonly wmask1: Bits | undefined;
  private readonly wmask2: Bits | undefined;
  private readonly wmask3: Bits | undefined;

  /** Response bookkeeping, one entry per latency stage (index latency-1 is the one answering). */
  private readonly pDv: Bits[];
  private readonly pDmmio: Bits[];
  private readonly pDbank: Bits[];
  private readonly pDoff: Bits[];
  private readonly pDsize: Bits[];
  private readonly pDmdata: Bits[];
  private readonly pIv: Bits[];
  private readonly pIbank: Bits[];
  // the entering stage (0) and the answering stage (latency-1) as plain fields, so the hot
  // blocks access them directly (the same registers when latency is 1)
  private readonly fDv: Bits;
  private readonly fDmmio: Bits;
  private readonly fDbank: Bits;
  private readonly fDoff: Bits;
  private readonly fDsize: Bits;
  private readonly fDmdata: Bits;
  private readonly fIv: Bits;
  private readonly fIbank: Bits;
  private readonly lDv: Bits;
  private readonly lDmmio: Bits;
  private readonly lDbank: Bits;
  private readonly lDoff: Bits;
  private readonly lDsize: Bits;
  private readonly lDmdata: Bits;
  private readonly lIv: Bits;
  private readonly lIbank: Bits;
  private readonly bankMask: number;
  private readonly bankShift: number;

  constructor(parent: Module | null, name: string, options: LocalStoreOptions = {}) {
    super(parent, name);
    const n = options.banks ?? 4;
    if (!Number.isInteger(Math.log2(n)) || n < 2 || n > 32) throw new Error(`${this.path}: banks must be a power of two 2..32, got ${n}`);
    this.bankCount = n;
    this.bankMask = n - 1;
    this.bankShift = Math.log2(n);
    this.latency = options.latency ?? 1;
    this.base = options.base ?? LS_BASE;
    this.size = options.size ?? LS_SIZE;
    const depth = this.size / 4 / n;
    this.banks = Array.from({ length: n }, (_, k) =>
      this.memory(`bank${k}`, { depth, width: 32, readLatency: this.latency, ports: 1, byteEnables: true }));
    const ports = this.banks.map((b) => b.ports[0]!);
    this.en = ports.map((p) => p.en);
    this.addr = ports.map((p) => p.addr);
    this.wen = ports.map((p) => p.wen);
    this.wmask = ports.map((p) => p.wmask!);
    const quad = n === 4;
    this.en0 = quad ? this.en[0] : undefined;
    this.en1 = quad ? this.en[1] : undefined;
    this.en2 = quad ? this.en[2] : undefined;
    this.en3 = quad ? this.en[3] : undefined;
    this.addr0 = quad ? this.addr[0] : undefined;
    this.addr1 = quad ? this.addr[1] : undefined;
    this.addr2 = quad ? this.addr[2] : undefined;
    this.addr3 = quad ? this.addr[3] : undefined;
    this.wen0 = quad ? this.wen[0] : undefined;
    this.wen1 = quad ? this.wen[1] : undefined;
    this.wen2 = quad ? this.wen[2] : undefined;
    this.wen3 = quad ? this.wen[3] : undefined;
    this.wmask0 = quad ? this.wmask[0] : undefined;
    this.wmask1 = quad ? this.wmask[1] : undefined;
    this.wmask2 = quad ? this.wmask[2] : undefined;
    this.wmask3 = quad ? this.wmask[3] : undefined;
    this.wdata = this.wire("wdata", 32);
    for (const p of ports) this.connect(p.wdata, this.wdata);
    this.rdata = this.vec(ports.map((p) => p.rdata));
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
    this.fDv = this.pDv[0]!;
    this.fDmmio = this.pDmmio[0]!;
    this.fDbank = this.pDbank[0]!;
    this.fDoff = this.pDoff[0]!;
    this.fDsize = this.pDsize[0]!;
    this.fDmdata = this.pDmdata[0]!;
    this.fIv = this.pIv[0]!;
    this.fIbank = this.pIbank[0]!;
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
        writes: [this.i_req_ready, this.wdata, ...this.en, ...this.addr, ...this.wen, ...this.wmask],
      },
      this.route,
    );
    this.connect(this.i_resp_valid, this.lIv);
    this.connect(this.d_resp_valid, this.lDv);
    this.comb({ reads: [this.rdata], writes: [this.i_resp_data, this.d_resp_data, this.irq_mti] }, this.respond);
    this.seq(this.update);
  }

  /**
   * Drives the bank ports from the two requests: the data access first (one bank, or two for
   * a misaligned access), then the fetch unless its bank is taken.
   */
  private route(): void {
    let dMask = 0;
    let dFirst = 0;
    let row0 = 0;
    let row1 = 0;
    let lanes = 0;
    let write = 0;
    if (this.d_req_valid.value === 1) {
      const off = (this.d_req_addr.value - this.base) >>> 0;
      if (off < this.size) {
        const word = off >>> 2;
        const b = off & 3;
        const sizeCode = this.d_req_size.value;
        const bytes = sizeCode === 0 ? 1 : sizeCode === 1 ? 2 : 4;
        const data = this.d_req_wdata.value;
        dFirst = word & this.bankMask;
        dMask = 1 << dFirst;
        row0 = word >>> this.bankShift;
        lanes = ((1 << bytes) - 1) << b;
        write = this.d_req_write.value;
        this.wdata.value = ((data << (8 * b)) | (data >>> (32 - 8 * b))) >>> 0;
        if (b + bytes > 4) {
          dMask = dMask | (1 << ((word + 1) & this.bankMask));
          row1 = (word + 1) >>> this.bankShift;
        }
      }
    }
    let enMask = dMask;
    let fRow = 0;
    let ready = 1;
    if (this.i_req_valid.value === 1) {
      const word = ((this.i_req_addr.value - this.base) >>> 0) >>> 2;
      const bit = 1 << (word & this.bankMask);
      if ((dMask & bit) !== 0) {
        ready = 0;
      } else {
        enMask = enMask | bit;
        fRow = word >>> this.bankShift;
      }
    }
    this.i_req_ready.value = ready;
    // Each enabled bank: the fetch (not in dMask), the data access's first word or its second.
    if (this.bankCount === 4) {
      this.en0!.value = enMask & 1;
      if ((dMask & 1) !== 0) {
        this.addr0!.value = dFirst === 0 ? row0 : row1;
        this.wen0!.value = write;
        this.wmask0!.value = dFirst === 0 ? lanes & 15 : lanes >>> 4;
      } else if ((enMask & 1) !== 0) {
        this.addr0!.value = fRow;
        this.wen0!.value = 0;
      }
      this.en1!.value = (enMask >>> 1) & 1;
      if ((dMask & 2) !== 0) {
        this.addr1!.value = dFirst === 1 ? row0 : row1;
        this.wen1!.value = write;
        this.wmask1!.value = dFirst === 1 ? lanes & 15 : lanes >>> 4;
      } else if ((enMask & 2) !== 0) {
        this.addr1!.value = fRow;
        this.wen1!.value = 0;
      }
      this.en2!.value = (enMask >>> 2) & 1;
      if ((dMask & 4) !== 0) {
        this.addr2!.value = dFirst === 2 ? row0 : row1;
        this.wen2!.value = write;
        this.wmask2!.value = dFirst === 2 ? lanes & 15 : lanes >>> 4;
      } else if ((enMask & 4) !== 0) {
        this.addr2!.value = fRow;
        this.wen2!.value = 0;
      }
      this.en3!.value = (enMask >>> 3) & 1;
      if ((dMask & 8) !== 0) {
        this.addr3!.value = dFirst === 3 ? row0 : row1;
        this.wen3!.value = write;
        this.wmask3!.value = dFirst === 3 ? lanes & 15 : lanes >>> 4;
      } else if ((enMask & 8) !== 0) {
        this.addr3!.value = fRow;
        this.wen3!.value = 0;
      }
    } else {
      for (let k = 0; k < this.bankCount; k++) {
        this.en[k]!.value = (enMask >>> k) & 1;
        if (((dMask >>> k) & 1) !== 0) {
          this.addr[k]!.value = dFirst === k ? row0 : row1;
          this.wen[k]!.value = write;
          this.wmask[k]!.value = dFirst === k ? lanes & 15 : lanes >>> 4;
        } else if (((enMask >>> k) & 1) !== 0) {
          this.addr[k]!.value = fRow;
          this.wen[k]!.value = 0;
        }
      }
    }
  }

  /** Read data back to the requesters. */
  private respond(): void {
    this.i_resp_data.value = this.rdata.get(this.lIbank.value);
    if (this.lDv.value === 1) {
      if (this.lDmmio.value === 1) {
        this.d_resp_data.value = this.lDmdata.value;
      } else {
        const k0 = this.lDbank.value;
        const b = this.lDoff.value;
        let v = this.rdata.get(k0) >>> (8 * b);
        if (b !== 0) v = (v | (this.rdata.get((k0 + 1) & this.bankMask) << (32 - 8 * b))) >>> 0;
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
    // shift the response bookkeeping (latency > 1)
    if (this.latency > 1) this.shiftStages();
    // mtime counts clock cycles (the high word is assigned only on a carry: unassigned
    // registers hold); an MMIO write below overrides the count (the last assignment wins)
    const lo = this.mtime_l.value;
    this.mtime_l.next = lo + 1;
    if (lo === 0xffffffff) this.mtime_h.next = this.mtime_h.value + 1;
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
          else if (ioOff === 0xbff8) this.mtime_l.next = v;
          else if (ioOff === 0xbffc) this.mtime_h.next = v;
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
    // The rest of a stage's bookkeeping matters only when its valid bit is set.
    this.fDv.next = dv;
    if (dv === 1) {
      const dOff = (addr - this.base) >>> 0;
      this.fDmmio.next = mmio;
      this.fDmdata.next = mdata;
      this.fDbank.next = (dOff >>> 2) & this.bankMask;
      this.fDoff.next = dOff & 3;
      this.fDsize.next = this.d_req_size.value;
    }
    const iGo = this.i_req_valid.value === 1 && this.i_req_ready.value === 1 ? 1 : 0;
    this.fIv.next = iGo;
    if (iGo === 1) this.fIbank.next = (((this.i_req_addr.value - this.base) >>> 0) >>> 2) & this.bankMask;
  }

  /** Moves the response bookkeeping one stage on (latency > 1 only). */
  private shiftStages(): void {
    for (let i = this.latency - 1; i > 0; i--) {
      this.pDv[i]!.next = this.pDv[i - 1]!.value;
      this.pDmmio[i]!.next = this.pDmmio[i - 1]!.value;
      this.pDbank[i]!.next = this.pDbank[i - 1]!.value;
      this.pDoff[i]!.next = this.pDoff[i - 1]!.value;
      this.pDsize[i]!.next = this.pDsize[i - 1]!.value;
      this.pDmdata[i]!.next = this.pDmdata[i - 1]!.value;
      this.pIv[i]!.next = this.pIv[i - 1]!.value;
      this.pIbank[i]!.next = this.pIbank[i - 1]!.value;
    }
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
