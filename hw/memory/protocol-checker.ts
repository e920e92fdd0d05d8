/**
 * LPDDR5 protocol checker: an independent monitor of one channel's command bus.
 *
 * It shares nothing with the controller but the command encoding and the timing parameters:
 * it keeps its own bank states and the time of the last command of each kind per bank, per
 * bank group and per channel, and checks every command against every rule of RULES below
 * (the constraint table of docs/memory.md). It also checks the refresh schedule: with
 * all-bank refresh, no more than 8 refreshes may be postponed (a gap above 9 x nREFI fails);
 * with per-bank refresh, each bank within 9 x nREFI. A violation throws ProtocolViolation
 * (or, with `fatal: false`, is recorded in `violations`) naming the cycle, the command, the
 * bank and the constraint.
 */
import { Module, SimulationError, type Bits } from "../rtl/index.ts";
import {
  Cmd, CMD_NAMES, LPDDR5_6400, LPDDR5_ORG_DEFAULT, readToWrite, writeToPrecharge, writeToReadOtherGroup, writeToReadSameGroup,
  type Lpddr5Org, type Lpddr5Timing,
} from "./lpddr5-timing.ts";

export interface ViolationInfo {
  /** Cycle (since reset) in which the command was on the bus. */
  cycle: number;
  command: string;
  bank: number;
  /** The constraint, e.g. `nRCD`, `nFAW`, `bank state`. */
  constraint: string;
  message: string;
}

export class ProtocolViolation extends SimulationError {
  constructor(readonly info: ViolationInfo) {
    super(info.message);
  }
}

export interface ProtocolCheckerOptions {
  timing?: Lpddr5Timing;
  org?: Lpddr5Org;
  /** Refresh scheme to check the schedule of ("none": no schedule check). */
  refresh?: "allbank" | "perbank" | "none";
  /** Throw at the first violation (default true); else record them. */
  fatal?: boolean;
}

/** The constraints checked, for documentation and for tests that want each to fire. */
export const RULES: readonly { name: string; between: string; scope: string }[] = [
  { name: "nRCD", between: "ACT -> RD/WR", scope: "bank" },
  { name: "nRAS", between: "ACT -> PRE (explicit or auto)", scope: "bank" },
  { name: "nRC", between: "ACT -> ACT, ACT -> REF", scope: "bank" },
  { name: "nRP", between: "PRE -> ACT/REF", scope: "bank" },
  { name: "nRPab", between: "PREA -> ACT/REF", scope: "bank" },
  { name: "nRRD", between: "ACT -> ACT, ACT -> REFpb", scope: "channel" },
  { name: "nFAW", between: "5th ACT within the window", scope: "channel" },
  { name: "nRTP", between: "RD -> PRE", scope: "bank" },
  { name: "nWR", between: "WR -> PRE (nCWL + nBL + nWR)", scope: "bank" },
  { name: "nCCD_L", between: "RD -> RD, WR -> WR", scope: "bank group" },
  { name: "nCCD_S", between: "RD -> RD, WR -> WR", scope: "channel" },
  { name: "nWTR_L", between: "WR -> RD (nCWL + nBL + nWTR_L)", scope: "bank group" },
  { name: "nWTR_S", between: "WR -> RD (nCWL + nBL + nWTR_S)", scope: "channel" },
  { name: "RD->WR", between: "RD -> WR (nCL + nBL + nRTW - nCWL)", scope: "channel" },
  { name: "nBL", between: "data bus occupancy, CAS -> CAS", scope: "channel" },
  { name: "nPPD", between: "PRE -> PRE", scope: "channel" },
  { name: "nRFCab", between: "REFab -> ACT/REF", scope: "channel" },
  { name: "nRFCpb", between: "REFpb -> ACT/REF same bank", scope: "bank" },
  { name: "nPBR2PBR", between: "REFpb -> REFpb", scope: "channel" },
  { name: "nPBR2ACT", between: "REFpb -> ACT other bank", scope: "channel" },
  { name: "bank state", between: "ACT to open bank, CAS to closed bank, REF with open bank", scope: "bank" },
  { name: "nREFI", between: "more than 8 refreshes postponed", scope: "channel" },
];

const NEVER = -1e15;

export class Lpddr5ProtocolChecker extends Module {
  readonly cmd: Bits;
  readonly cmd_bank: Bits;
  readonly cmd_row: Bits;
  readonly timing: Lpddr5Timing;
  readonly org: Lpddr5Org;
  readonly refresh: "allbank" | "perbank" | "none";
  readonly fatal: boolean;
  readonly violations: ViolationInfo[] = [];
  /** Commands checked, by code. */
  readonly commandCounts = new Float64Array(16);
  /** Read-to-write and write-to-read switches of the data bus (write batching shows here). */
  turnarounds = 0;
  private lastCasWrite = -1;
  /** Cycles of every refresh command seen (REFab or REFpb). */
  readonly refreshLog: number[] = [];

  private readonly banks: number;
  private readonly groups: number;
  private readonly wr2pre: number;
  private readonly rd2wr: number;
  private readonly wr2rdL: number;
  private readonly wr2rdS: number;
  private readonly maxRefGap: number;

  // Internal state (changes only in `watch`).
  private now = -1;
  private readonly open: Int32Array;
  private readonly tAct: Float64Array;
  /** Time of the last precharge of the bank (explicit, PREA, or the implied auto-precharge). */
  private readonly tPre: Float64Array;
  /** nRP or nRPab: which kind the last precharge was. */
  private readonly preAll: Uint8Array;
  private readonly tRd: Float64Array;
  private readonly tWr: Float64Array;
  private readonly tRefpb: Float64Array;
  private readonly tRefBank: Float64Array;
  private readonly gRd: Float64Array;
  private readonly gWr: Float64Array;
  private cRd = NEVER;
  private cWr = NEVER;
  private cAct = NEVER;
  private cPre = NEVER;
  private cRefab = NEVER;
  private cRefpb = NEVER;
  private cRefpbBank = -1;
  private lastRefAny = 0;
  private readonly acts = new Float64Array(4);
  private actHead = 0;

  constructor(parent: Module | null, name: string, options: ProtocolCheckerOptions = {}) {
    super(parent, name);
    this.timing = options.timing ?? LPDDR5_6400;
    this.org = options.org ?? LPDDR5_ORG_DEFAULT;
    this.refresh = options.refresh ?? "allbank";
    this.fatal = options.fatal ?? true;
    const rowBits = Math.max(1, 31 - Math.clz32(this.org.rows));
    this.cmd = this.input("cmd", 4);
    this.cmd_bank = this.input("cmd_bank", 4);
    this.cmd_row = this.input("cmd_row", rowBits);
    this.banks = this.org.bankGroups * this.org.banksPerGroup;
    this.groups = this.org.bankGroups;
    const t = this.timing;
    this.wr2pre = writeToPrecharge(t);
    this.rd2wr = readToWrite(t);
    this.wr2rdL = writeToReadSameGroup(t);
    this.wr2rdS = writeToReadOtherGroup(t);
    this.maxRefGap = 9 * t.nREFI;
    const nb = this.banks;
    this.open = new Int32Array(nb);
    this.tAct = new Float64Array(nb);
    this.tPre = new Float64Array(nb);
    this.preAll = new Uint8Array(nb);
    this.tRd = new Float64Array(nb);
    this.tWr = new Float64Array(nb);
    this.tRefpb = new Float64Array(nb);
    this.tRefBank = new Float64Array(nb);
    this.gRd = new Float64Array(this.groups);
    this.gWr = new Float64Array(this.groups);
    this.clear();
    this.seq(this.watch, "watch");
  }

  /** Violations so far (recorded ones; with `fatal` the first throws). */
  get violationCount(): number {
    return this.violations.length;
  }

  private clear(): void {
    this.now = -1;
    this.open.fill(-1);
    this.tAct.fill(NEVER);
    this.tPre.fill(NEVER);
    this.preAll.fill(0);
    this.tRd.fill(NEVER);
    this.tWr.fill(NEVER);
    this.tRefpb.fill(NEVER);
    this.tRefBank.fill(0);
    this.gRd.fill(NEVER);
    this.gWr.fill(NEVER);
    this.cRd = this.cWr = this.cAct = this.cPre = this.cRefab = this.cRefpb = NEVER;
    this.cRefpbBank = -1;
    this.lastCasWrite = -1;
    this.turnarounds = 0;
    this.lastRefAny = 0;
    this.acts.fill(NEVER);
    this.actHead = 0;
  }

  private group(b: number): number {
    return b % this.groups;
  }

  private violate(constraint: string, detail: string): void {
    const c = this.cmd.value;
    const info: ViolationInfo = {
      cycle: this.now,
      command: CMD_NAMES[c] ?? `cmd${c}`,
      bank: this.cmd_bank.value,
      constraint,
      message: `${this.path}: protocol violation at cycle ${this.now}: ${CMD_NAMES[c] ?? c} to bank ${this.cmd_bank.value} violates ${constraint}: ${detail}`,
    };
    this.violations.push(info);
    if (this.fatal) throw new ProtocolViolation(info);
  }

  /** The command at `now` must come at least `min` cycles after a command at `since`. */
  private need(since: number, min: number, constraint: string, what: string): void {
    if (this.now - since < min) this.violate(constraint, `${what} at cycle ${since}, ${this.now - since} < ${min} cycles`);
  }

  private watch(): void {
    if (this.reset.value === 1) {
      this.clear();
      return;
    }
    const now = ++this.now;
    if (this.refresh === "allbank") {
      if (now - this.lastRefAny > this.maxRefGap) {
        this.lastRefAny = now; // report once per gap
        this.violate("nREFI", `no refresh for more than 9 x nREFI = ${this.maxRefGap} cycles`);
      }
    } else if (this.refresh === "perbank") {
      const b = now % this.banks;
      if (now - this.tRefBank[b]! > this.maxRefGap) {
        this.tRefBank[b] = now;
        this.violate("nREFI", `bank ${b} not refreshed for more than 9 x nREFI = ${this.maxRefGap} cycles`);
      }
    }
    const c = this.cmd.value;
    if (c === 0) return;
    this.commandCounts[c]!++;
    switch (c) {
      case Cmd.ACT:
        return this.act();
      case Cmd.PRE:
        return this.pre();
      case Cmd.PREA:
        return this.prea();
      case Cmd.RD:
      case Cmd.RDA:
        return this.read(c === Cmd.RDA);
      case Cmd.WR:
      case Cmd.WRA:
        return this.write(c === Cmd.WRA);
      case Cmd.REFAB:
        return this.refab();
      case Cmd.REFPB:
        return this.refpb();
      default:
        this.violate("command", `unknown command code ${c}`);
    }
  }

  private bankArg(): number {
    const b = this.cmd_bank.value;
    if (b >= this.banks) this.violate("bank state", `no bank ${b}`);
    return b;
  }

  private act(): void {
    const t = this.timing;
    const b = this.bankArg();
    if (this.open[b] !== -1) this.violate("bank state", `ACT to bank ${b}, which has row ${this.open[b]} open`);
    this.need(this.tAct[b]!, t.nRC, "nRC", "previous ACT to this bank");
    if (this.preAll[b] === 1) this.need(this.tPre[b]!, t.nRPab, "nRPab", "PREA");
    else this.need(this.tPre[b]!, t.nRP, "nRP", "precharge of this bank");
    this.need(this.cAct, t.nRRD, "nRRD", "previous ACT");
    this.need(this.acts[this.actHead]!, t.nFAW, "nFAW", "the 4th previous ACT");
    this.need(this.cRefab, t.nRFCab, "nRFCab", "REFab");
    this.need(this.tRefpb[b]!, t.nRFCpb, "nRFCpb", "REFpb of this bank");
    if (this.cRefpbBank !== b) this.need(this.cRefpb, t.nPBR2ACT, "nPBR2ACT", "REFpb of another bank");
    this.open[b] = this.cmd_row.value;
    this.tAct[b] = this.now;
    this.cAct = this.now;
    this.acts[this.actHead] = this.now;
    this.actHead = (this.actHead + 1) & 3;
  }

  /** Rules for closing bank `b` at the current cycle. */
  private closeChecks(b: number): void {
    const t = this.timing;
    this.need(this.tAct[b]!, t.nRAS, "nRAS", `ACT to bank ${b}`);
    this.need(this.tRd[b]!, t.nRTP, "nRTP", `RD to bank ${b}`);
    this.need(this.tWr[b]!, this.wr2pre, "nWR", `WR to bank ${b} (nCWL + nBL + nWR)`);
  }

  private pre(): void {
    const b = this.bankArg();
    this.need(this.cPre, this.timing.nPPD, "nPPD", "previous PRE");
    if (this.open[b] !== -1) this.closeChecks(b);
    this.open[b] = -1;
    this.tPre[b] = this.now;
    this.preAll[b] = 0;
    this.cPre = this.now;
  }

  private prea(): void {
    this.need(this.cPre, this.timing.nPPD, "nPPD", "previous PRE");
    for (let b = 0; b < this.banks; b++) {
      if (this.open[b] === -1) continue;
      this.closeChecks(b);
      this.open[b] = -1;
      this.tPre[b] = this.now;
      this.preAll[b] = 1;
    }
    this.cPre = this.now;
  }

  private casCommon(b: number): void {
    if (this.open[b] === -1) this.violate("bank state", `column command to closed bank ${b}`);
    this.need(this.tAct[b]!, this.timing.nRCD, "nRCD", "ACT to this bank");
  }

  /** Auto-precharge: the bank closes when both tRAS and the CAS-to-PRE time are met. */
  private autoPrecharge(b: number, casToPre: number): void {
    this.tPre[b] = Math.max(this.now + casToPre, this.tAct[b]! + this.timing.nRAS);
    this.preAll[b] = 0;
    this.open[b] = -1;
  }

  private read(auto: boolean): void {
    const t = this.timing;
    const b = this.bankArg();
    const g = this.group(b);
    this.casCommon(b);
    this.need(this.gRd[g]!, t.nCCD_L, "nCCD_L", "RD in the same bank group");
    this.need(this.cRd, t.nCCD_S, "nCCD_S", "previous RD");
    this.need(this.cRd, t.nBL, "nBL", "previous RD burst on the data bus");
    this.need(this.gWr[g]!, this.wr2rdL, "nWTR_L", "WR in the same bank group (nCWL + nBL + nWTR_L)");
    this.need(this.cWr, this.wr2rdS, "nWTR_S", "previous WR (nCWL + nBL + nWTR_S)");
    if (this.lastCasWrite === 1) this.turnarounds++;
    this.lastCasWrite = 0;
    this.tRd[b] = this.now;
    this.gRd[g] = this.now;
    this.cRd = this.now;
    if (auto) this.autoPrecharge(b, t.nRTP);
  }

  private write(auto: boolean): void {
    const t = this.timing;
    const b = this.bankArg();
    const g = this.group(b);
    this.casCommon(b);
    this.need(this.gWr[g]!, t.nCCD_L, "nCCD_L", "WR in the same bank group");
    this.need(this.cWr, t.nCCD_S, "nCCD_S", "previous WR");
    this.need(this.cWr, t.nBL, "nBL", "previous WR burst on the data bus");
    this.need(this.cRd, this.rd2wr, "RD->WR", "previous RD (nCL + nBL + nRTW - nCWL)");
    if (this.lastCasWrite === 0) this.turnarounds++;
    this.lastCasWrite = 1;
    this.tWr[b] = this.now;
    this.gWr[g] = this.now;
    this.cWr = this.now;
    if (auto) this.autoPrecharge(b, this.wr2pre);
  }

  private refreshed(b: number): void {
    const t = this.timing;
    if (this.open[b] !== -1) this.violate("bank state", `refresh with bank ${b} open`);
    this.need(this.tAct[b]!, t.nRC, "nRC", `ACT to bank ${b}`);
    if (this.preAll[b] === 1) this.need(this.tPre[b]!, t.nRPab, "nRPab", `PREA (bank ${b})`);
    else this.need(this.tPre[b]!, t.nRP, "nRP", `precharge of bank ${b}`);
    this.need(this.tRefpb[b]!, t.nRFCpb, "nRFCpb", `REFpb of bank ${b}`);
    this.tRefBank[b] = this.now;
  }

  private refab(): void {
    this.need(this.cRefab, this.timing.nRFCab, "nRFCab", "previous REFab");
    for (let b = 0; b < this.banks; b++) this.refreshed(b);
    this.cRefab = this.now;
    this.lastRefAny = this.now;
    this.refreshLog.push(this.now);
  }

  private refpb(): void {
    const t = this.timing;
    const b = this.bankArg();
    this.refreshed(b);
    this.need(this.cRefab, t.nRFCab, "nRFCab", "REFab");
    this.need(this.cRefpb, t.nPBR2PBR, "nPBR2PBR", "previous REFpb");
    this.need(this.cAct, t.nRRD, "nRRD", "previous ACT");
    this.tRefpb[b] = this.now;
    this.cRefpb = this.now;
    this.cRefpbBank = b;
    this.lastRefAny = this.now;
    this.refreshLog.push(this.now);
  }
}
