/**
 * SRAM bank: one kernel SRAM macro (`Memory`) with a request port, a fixed read latency,
 * byte enables and optional SECDED ECC.
 *
 * Ports. `1rw` (default): one request per cycle on `req_*`, a read or a write. `1r1w`: reads
 * on `req_*` (req_write must be 0) and writes on `wr_*`, both every cycle; a read and a write
 * of the same word in one cycle read the old contents (read-first, as the kernel's macro).
 * Read data appears on `rsp_valid` / `rsp_data` exactly `readLatency` cycles after the
 * request was taken (no back-pressure: the consumer must take it).
 *
 * ECC: every 64-bit granule is stored with 8 SECDED check bits (ecc.ts). Reads correct single
 * bit errors (counted in `ecc_ce`) and flag double-bit errors with `rsp_error` (counted in
 * `ecc_ue`). A write whose byte mask covers only part of a granule is a read-modify-write:
 * in `1rw` mode the bank reads the word, merges, re-encodes and writes it `readLatency`
 * cycles later, holding `req_ready` low meanwhile; `1r1w` banks with ECC require whole
 * granules per write. `injectError` flips stored bits (the error-injection hook for tests).
 */
import { Module, SimulationError, type Bits, type Memory, type WideBits } from "../rtl/index.ts";
import { ECC_CORRECTED, ECC_OK, ECC_UNCORRECTABLE, eccDecode, eccEncode } from "./ecc.ts";

export interface SramBankOptions {
  /** Words in the bank. */
  depth: number;
  /** Data bits per word: 64, 128, 192 or 256. Default 128. */
  width?: number;
  /** Cycles from request to data (>= 1). Default 1. */
  readLatency?: number;
  ports?: "1rw" | "1r1w";
  ecc?: boolean;
  /** Host page size for the lazily allocated contents. */
  pageBytes?: number;
}

export class SramBank extends Module {
  readonly req_valid: Bits;
  readonly req_ready: Bits;
  readonly req_write: Bits;
  readonly req_addr: Bits;
  readonly req_wdata: WideBits;
  readonly req_wmask: Bits;
  /** Write port (1r1w only). */
  readonly wr_valid: Bits | undefined;
  readonly wr_addr: Bits | undefined;
  readonly wr_wdata: WideBits | undefined;
  readonly wr_wmask: Bits | undefined;
  readonly rsp_valid: Bits;
  readonly rsp_data: WideBits;
  readonly rsp_error: Bits;
  /** Corrected (single-bit) errors seen on reads. */
  readonly ecc_ce: Bits;
  /** Uncorrectable (double-bit) errors seen on reads. */
  readonly ecc_ue: Bits;

  readonly depth: number;
  readonly width: number;
  readonly readLatency: number;
  readonly ecc: boolean;
  readonly dual: boolean;
  readonly mem: Memory<WideBits>;
  private readonly dataWords: number;
  private readonly granules: number;
  /** Read pipeline: bit i set = a response read in flight for i+1 edges; bit 0 set by the latest. */
  private readonly rdPipe: Bits;
  private readonly rmwPipe: Bits;
  private readonly rmwBusy: Bits;
  private readonly rmwAddr: Bits;
  private readonly rmwData: WideBits;
  private readonly rmwMask: Bits;
  private readonly ceCount: Bits;
  private readonly ueCount: Bits;
  /** ECC status of the data on the read port this cycle (ECC_OK/CORRECTED/UNCORRECTABLE). */
  private readonly eccStatus: Bits;
  private readonly scratch = new Uint32Array(2);
  private readonly merged = new Uint32Array(16);
  private readonly wbuf = new Uint32Array(16);

  constructor(parent: Module | null, name: string, options: SramBankOptions) {
    super(parent, name);
    const width = options.width ?? 128;
    if (width % 64 !== 0 || width < 64 || width > 256) throw new RangeError(`${this.path}: width ${width} is not a multiple of 64 in 64..256`);
    this.depth = options.depth;
    this.width = width;
    this.readLatency = options.readLatency ?? 1;
    if (!Number.isInteger(this.readLatency) || this.readLatency < 1 || this.readLatency > 16) throw new RangeError(`${this.path}: readLatency must be 1..16`);
    this.ecc = options.ecc ?? false;
    this.dual = (options.ports ?? "1rw") === "1r1w";
    this.dataWords = width / 32;
    this.granules = width / 64;
    const bytes = width / 8;
    const memWidth = this.ecc ? width + 8 * this.granules : width;
    this.mem = this.memoryWide("mem", {
      depth: this.depth,
      width: memWidth,
      readLatency: this.readLatency,
      ports: this.dual ? 2 : 1,
      byteEnables: !this.ecc,
      ...(options.pageBytes === undefined ? {} : { pageBytes: options.pageBytes }),
    });
    const aw = this.mem.ports[0]!.addr.width;
    this.req_valid = this.input("req_valid", 1);
    this.req_ready = this.output("req_ready", 1);
    this.req_write = this.input("req_write", 1);
    this.req_addr = this.input("req_addr", aw);
    this.req_wdata = this.inputWide("req_wdata", width);
    this.req_wmask = this.input("req_wmask", bytes);
    if (this.dual) {
      this.wr_valid = this.input("wr_valid", 1);
      this.wr_addr = this.input("wr_addr", aw);
      this.wr_wdata = this.inputWide("wr_wdata", width);
      this.wr_wmask = this.input("wr_wmask", bytes);
    }
    this.rsp_valid = this.output("rsp_valid", 1);
    this.rsp_data = this.outputWide("rsp_data", width);
    this.rsp_error = this.output("rsp_error", 1);
    this.ecc_ce = this.output("ecc_ce", 32);
    this.ecc_ue = this.output("ecc_ue", 32);
    const L = this.readLatency;
    this.rdPipe = this.reg("rd_pipe", L);
    this.rmwPipe = this.reg("rmw_pipe", L);
    this.rmwBusy = this.reg("rmw_busy", 1);
    this.rmwAddr = this.reg("rmw_addr", aw);
    this.rmwData = this.regWide("rmw_data", width);
    this.rmwMask = this.reg("rmw_mask", bytes);
    this.ceCount = this.reg("ce_count", 32);
    this.ueCount = this.reg("ue_count", 32);
    this.eccStatus = this.wire("ecc_status", 2);
    this.connect(this.ecc_ce, this.ceCount);
    this.connect(this.ecc_ue, this.ueCount);

    const p0 = this.mem.ports[0]!;
    const rdata = p0.rdata;
    const portSignals = [p0.en, p0.wen, p0.addr, p0.wdata, ...(p0.wmask ? [p0.wmask] : [])];
    this.comb({ reads: [], writes: [this.req_ready], name: "ready" }, this.driveReady);
    this.comb({ reads: [this.req_valid, this.req_write, this.req_addr, this.req_wdata, this.req_wmask, rdata], writes: portSignals, name: "port" }, this.drivePort);
    if (this.dual) {
      const p1 = this.mem.ports[1]!;
      this.comb(
        { reads: [this.wr_valid!, this.wr_addr!, this.wr_wdata!, this.wr_wmask!], writes: [p1.en, p1.wen, p1.addr, p1.wdata, ...(p1.wmask ? [p1.wmask] : [])], name: "wport" },
        this.driveWritePort,
      );
    }
    this.comb({ reads: [rdata], writes: [this.rsp_valid, this.rsp_data, this.rsp_error, this.eccStatus], name: "response" }, this.driveResponse);
    this.seq(this.update, "update");
  }

  /** Whether a write mask leaves some granule partially written. */
  private partial(mask: number): boolean {
    for (let g = 0; g < this.granules; g++) {
      const m = (mask >>> (8 * g)) & 0xff;
      if (m !== 0 && m !== 0xff) return true;
    }
    return false;
  }

  /** Drives `wdata` of a port with the data words in `words`, plus check bits with ECC. */
  private encodeInto(port: WideBits, words: Uint32Array): void {
    const dw = this.dataWords;
    for (let i = 0; i < dw; i++) port.setWord(i, words[i]!);
    if (!this.ecc) return;
    let acc = 0;
    for (let g = 0; g < this.granules; g++) {
      acc |= eccEncode(words[2 * g]!, words[2 * g + 1]!) << (8 * (g & 3));
      if ((g & 3) === 3 || g === this.granules - 1) {
        port.setWord(dw + (g >> 2), acc >>> 0);
        acc = 0;
      }
    }
  }

  private load(src: WideBits): Uint32Array {
    const b = this.wbuf;
    for (let i = 0; i < this.dataWords; i++) b[i] = src.word(i);
    return b;
  }

  /** Ready unless a read-modify-write is under way (depends on registers only). */
  private driveReady(): void {
    this.req_ready.value = this.rmwBusy.value ^ 1;
  }

  private drivePort(): void {
    const p = this.mem.ports[0]!;
    const L = this.readLatency;
    if (this.rmwBusy.value === 1) {
      if (((this.rmwPipe.value >>> (L - 1)) & 1) === 1) {
        // Old data is on rdata: correct it, merge the saved bytes, write the re-encoded word.
        this.decodeRdata(this.merged);
        const mask = this.rmwMask.value;
        for (let i = 0; i < this.dataWords; i++) {
          const lanes = (mask >>> (4 * i)) & 0xf;
          const bits = (lanes & 1 ? 0xff : 0) | (lanes & 2 ? 0xff00 : 0) | (lanes & 4 ? 0xff0000 : 0) | (lanes & 8 ? 0xff000000 : 0);
          this.merged[i] = ((this.merged[i]! & ~bits) | (this.rmwData.word(i) & bits)) >>> 0;
        }
        p.en.value = 1;
        p.wen.value = 1;
        p.addr.value = this.rmwAddr.value;
        this.encodeInto(p.wdata, this.merged);
      } else {
        p.en.value = 0;
      }
      return;
    }
    if (this.req_valid.value === 0) {
      p.en.value = 0;
      return;
    }
    const write = this.req_write.value === 1;
    p.en.value = 1;
    p.addr.value = this.req_addr.value;
    if (!write) {
      p.wen.value = 0;
      return;
    }
    if (this.dual) throw new SimulationError(`${this.path}: write on the read port of a 1r1w bank`);
    const mask = this.req_wmask.value;
    if (this.ecc && this.partial(mask)) {
      p.wen.value = 0; // read the old word first
      return;
    }
    p.wen.value = 1;
    this.encodeInto(p.wdata, this.load(this.req_wdata));
    if (p.wmask) p.wmask.value = mask;
  }

  private driveWritePort(): void {
    const p = this.mem.ports[1]!;
    if (this.wr_valid!.value === 0) {
      p.en.value = 0;
      return;
    }
    const mask = this.wr_wmask!.value;
    if (this.ecc && this.partial(mask)) throw new SimulationError(`${this.path}: partial-granule write on a 1r1w ECC bank`);
    p.en.value = 1;
    p.wen.value = 1;
    p.addr.value = this.wr_addr!.value;
    this.encodeInto(p.wdata, this.load(this.wr_wdata!));
    if (p.wmask) p.wmask.value = mask;
  }

  /** Decodes the read port's data into `out` (data words); returns the worst ECC status. */
  private decodeRdata(out: Uint32Array): number {
    const rd = this.mem.ports[0]!.rdata;
    const dw = this.dataWords;
    if (!this.ecc) {
      for (let i = 0; i < dw; i++) out[i] = rd.word(i);
      return ECC_OK;
    }
    let status = ECC_OK;
    for (let g = 0; g < this.granules; g++) {
      const check = (rd.word(dw + (g >> 2)) >>> (8 * (g & 3))) & 0xff;
      const s = eccDecode(rd.word(2 * g), rd.word(2 * g + 1), check, this.scratch);
      out[2 * g] = this.scratch[0]!;
      out[2 * g + 1] = this.scratch[1]!;
      if (s > status) status = s;
    }
    return status;
  }

  private driveResponse(): void {
    const valid = (this.rdPipe.value >>> (this.readLatency - 1)) & 1;
    this.rsp_valid.value = valid;
    if (valid === 0) {
      this.rsp_error.value = 0;
      this.eccStatus.value = ECC_OK;
      return;
    }
    const s = this.decodeRdata(this.merged);
    for (let i = 0; i < this.dataWords; i++) this.rsp_data.setWord(i, this.merged[i]!);
    this.rsp_error.value = s === ECC_UNCORRECTABLE ? 1 : 0;
    this.eccStatus.value = s;
  }

  private update(): void {
    const L = this.readLatency;
    const top = (1 << L) - 1;
    const s = this.eccStatus.value;
    if (s === ECC_CORRECTED) this.ceCount.next = this.ceCount.value + 1;
    else if (s === ECC_UNCORRECTABLE) this.ueCount.next = this.ueCount.value + 1;
    let rd = 0, rmw = 0;
    if (this.rmwBusy.value === 1) {
      if (((this.rmwPipe.value >>> (L - 1)) & 1) === 1) this.rmwBusy.next = 0;
    } else if (this.req_valid.value === 1) {
      if (this.req_write.value === 0) rd = 1;
      else if (this.ecc && this.partial(this.req_wmask.value)) {
        rmw = 1;
        this.rmwBusy.next = 1;
        this.rmwAddr.next = this.req_addr.value;
        this.rmwData.copyNextFrom(this.req_wdata);
        this.rmwMask.next = this.req_wmask.value;
      }
    }
    const rp = this.rdPipe.value, mp = this.rmwPipe.value;
    if (rp !== 0 || rd !== 0) this.rdPipe.next = ((rp << 1) | rd) & top;
    if (mp !== 0 || rmw !== 0) this.rmwPipe.next = ((mp << 1) | rmw) & top;
  }

  // ---- testbench hooks (not clocked) ----

  /** Flips stored bits of word `addr`: bit indices 0..width-1 are data, above that check bits. */
  injectError(addr: number, bits: readonly number[]): void {
    let v = this.mem.peekBig(addr);
    for (const b of bits) {
      if (b < 0 || b >= this.mem.width) throw new RangeError(`${this.path}: bit ${b} outside 0..${this.mem.width - 1}`);
      v ^= 1n << BigInt(b);
    }
    this.mem.pokeBig(addr, v);
  }

  /** Stored bit index of data bit `d` of granule `g`, or of its check bit `c` (c = 0..7). */
  storedBit(g: number, d: number, check = false): number {
    return check ? this.width + 8 * g + d : 64 * g + d;
  }
}
