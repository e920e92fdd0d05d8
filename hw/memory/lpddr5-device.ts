/**
 * LPDDR5 device (one x16 channel, one rank): bank state and the data store.
 *
 * It executes the commands on the bus: ACT opens a row, PRE / PREA / auto-precharge close
 * banks, RD returns the 32-B burst of (bank, open row, column) nCL + nBL cycles later
 * (`dq_valid` / `dq_data` are registers, so the data is visible one cycle after the burst
 * ends), WR stores `cmd_wdata` under the byte mask `cmd_wmask`. Contents live in the kernel's
 * lazily paged storage: 16 banks x 2^17 rows x 2 KB = 4 GiB per channel costs host memory only
 * for the pages touched. The device checks functional legality (a column command to a closed
 * bank, ACT to an open bank, refresh with a bank open) and throws DramDeviceError; timing is
 * the protocol checker's job.
 */
import { Module, SimulationError, type Bits, type WideBits } from "../rtl/index.ts";
import { PagedStorage } from "../rtl/paged-storage.ts";
import { Cmd, CMD_NAMES, LPDDR5_6400, LPDDR5_ORG_DEFAULT, type Lpddr5Org, type Lpddr5Timing } from "./lpddr5-timing.ts";

export class DramDeviceError extends SimulationError {}

const WORDS = 8;
const RING = 64;

export interface Lpddr5DeviceOptions {
  timing?: Lpddr5Timing;
  org?: Lpddr5Org;
}

export class Lpddr5Device extends Module {
  readonly cmd: Bits;
  readonly cmd_bank: Bits;
  readonly cmd_row: Bits;
  readonly cmd_col: Bits;
  readonly cmd_wdata: WideBits;
  readonly cmd_wmask: Bits;
  readonly dq_valid: Bits;
  readonly dq_data: WideBits;
  private readonly dqValidR: Bits;
  private readonly dqDataR: WideBits;

  readonly timing: Lpddr5Timing;
  readonly org: Lpddr5Org;
  /** The data store: one entry of 8 words per burst. */
  readonly storage: PagedStorage;
  private readonly banks: number;
  private readonly rowShift: number;
  private readonly colShift: number;

  // Internal state (changes only in `update`).
  private now = -1;
  private readonly openRow: Int32Array;
  private readonly due = new Float64Array(RING);
  private readonly data = new Uint32Array(RING * WORDS);
  private head = 0;
  private count = 0;
  private driving = false;

  constructor(parent: Module | null, name: string, options: Lpddr5DeviceOptions = {}) {
    super(parent, name);
    this.timing = options.timing ?? LPDDR5_6400;
    this.org = options.org ?? LPDDR5_ORG_DEFAULT;
    const rowBits = Math.max(1, 31 - Math.clz32(this.org.rows));
    const colBits = Math.max(1, 31 - Math.clz32(this.org.burstsPerRow));
    this.cmd = this.input("cmd", 4);
    this.cmd_bank = this.input("cmd_bank", 4);
    this.cmd_row = this.input("cmd_row", rowBits);
    this.cmd_col = this.input("cmd_col", colBits);
    this.cmd_wdata = this.inputWide("cmd_wdata", 256);
    this.cmd_wmask = this.input("cmd_wmask", 32);
    this.dq_valid = this.output("dq_valid", 1);
    this.dq_data = this.outputWide("dq_data", 256);
    this.dqValidR = this.reg("dq_valid_r", 1);
    this.dqDataR = this.regWide("dq_data_r", 256);
    this.connect(this.dq_valid, this.dqValidR);
    this.connect(this.dq_data, this.dqDataR);
    this.banks = this.org.bankGroups * this.org.banksPerGroup;
    this.colShift = 31 - Math.clz32(this.org.burstsPerRow);
    this.rowShift = 31 - Math.clz32(this.org.rows);
    // One host page per DRAM row (2 KB): scattered writes allocate little.
    this.storage = new PagedStorage(this.banks * this.org.rows * this.org.burstsPerRow, WORDS, this.org.burstsPerRow * this.org.burstBytes);
    this.openRow = new Int32Array(this.banks).fill(-1);
    this.seq(this.update, "update");
  }

  /** Storage entry of a burst. */
  entry(bank: number, row: number, col: number): number {
    return ((bank * 2 ** this.rowShift + row) * 2 ** this.colShift) + col;
  }

  /** Backdoor: word `w` of the burst at (bank, row, col). */
  peekWord(bank: number, row: number, col: number, w: number): number {
    return this.storage.readWord(this.entry(bank, row, col), w);
  }

  private fail(what: string): never {
    throw new DramDeviceError(`${this.path}: cycle ${this.now}: ${CMD_NAMES[this.cmd.value]} bank ${this.cmd_bank.value}: ${what}`);
  }

  private update(): void {
    if (this.reset.value === 1) {
      this.now = -1;
      this.openRow.fill(-1);
      this.head = this.count = 0;
      this.driving = false;
      return;
    }
    const now = ++this.now;
    if (this.driving) {
      this.dqValidR.next = 0;
      this.driving = false;
    }
    if (this.count > 0 && this.due[this.head] === now) {
      const base = this.head * WORDS;
      this.dqValidR.next = 1;
      for (let w = 0; w < WORDS; w++) this.dqDataR.setNextWord(w, this.data[base + w]!);
      this.driving = true;
      this.head = (this.head + 1) & (RING - 1);
      this.count--;
    }
    const c = this.cmd.value;
    if (c !== 0) this.execute(c, now);
  }

  private execute(c: number, now: number): void {
    const b = this.cmd_bank.value;
    if (c !== Cmd.PREA && c !== Cmd.REFAB && b >= this.banks) this.fail(`no bank ${b}`);
    switch (c) {
      case Cmd.ACT:
        if (this.openRow[b] !== -1) this.fail(`bank already has row ${this.openRow[b]} open`);
        this.openRow[b] = this.cmd_row.value;
        return;
      case Cmd.PRE:
        this.openRow[b] = -1;
        return;
      case Cmd.PREA:
        this.openRow.fill(-1);
        return;
      case Cmd.RD:
      case Cmd.RDA: {
        const row = this.openRow[b]!;
        if (row === -1) this.fail("read from a closed bank");
        if (this.count === RING) this.fail("too many reads in flight");
        let slot = this.head + this.count;
        slot &= RING - 1;
        this.due[slot] = now + this.timing.nCL + this.timing.nBL;
        const e = this.entry(b, row, this.cmd_col.value);
        const base = slot * WORDS;
        for (let w = 0; w < WORDS; w++) this.data[base + w] = this.storage.readWord(e, w);
        this.count++;
        if (c === Cmd.RDA) this.openRow[b] = -1;
        return;
      }
      case Cmd.WR:
      case Cmd.WRA: {
        const row = this.openRow[b]!;
        if (row === -1) this.fail("write to a closed bank");
        const e = this.entry(b, row, this.cmd_col.value);
        const m = this.cmd_wmask.value;
        for (let w = 0; w < WORDS; w++) {
          const lanes = (m >>> (4 * w)) & 0xf;
          if (lanes === 0) continue;
          const bits = (lanes & 1 ? 0xff : 0) | (lanes & 2 ? 0xff00 : 0) | (lanes & 4 ? 0xff0000 : 0) | (lanes & 8 ? 0xff000000 : 0);
          this.storage.writeWord(e, w, this.cmd_wdata.word(w), bits);
        }
        if (c === Cmd.WRA) this.openRow[b] = -1;
        return;
      }
      case Cmd.REFAB:
        for (let i = 0; i < this.banks; i++) if (this.openRow[i] !== -1) this.fail(`refresh with bank ${i} open`);
        return;
      case Cmd.REFPB:
        if (this.openRow[b] !== -1) this.fail("per-bank refresh of an open bank");
        return;
      default:
        this.fail(`unknown command ${c}`);
    }
  }
}
