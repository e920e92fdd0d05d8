/**
 * LPDDR5 speed grades and organisation: every timing parameter in memory-clock (CK) cycles.
 *
 * The chip runs one clock domain at 800 MHz (DESIGN.md section 5), which is the LPDDR5-6400
 * command clock CK (tCK = 1.25 ns). Data moves on WCK = 4 x CK = 3200 MHz, double data rate,
 * so 6400 MT/s per DQ pin. A BL16 burst on a x16 channel is 16 beats x 2 bytes = 32 B and
 * takes 16 / 2 = 8 WCK cycles = 2 CK cycles on the data bus (nBL = 2). Peak bandwidth is
 * therefore 32 B per 2 CK at 800 MHz = 12.8 GB/s, and back-to-back BL16 reads need a new
 * column command every 2 CK: exactly nCCD_S, so only bank-group interleaved traffic can reach
 * the peak (same-group bursts wait nCCD_L = 4 CK: half the peak).
 *
 * Sources (see docs/memory.md for the full table):
 *  - DESIGN.md section 5 (the project's brief, LPDDR5-6400): nCL 17, nRCD 15, nRP 15, nRPab 17,
 *    nRAS 34, nRC 49, nWR 28, nRTP 8, nCWL 9, nCCD_S 2, nCCD_L 4, nWTR_S 5, nWTR_L 10, nRRD 4,
 *    nFAW 16, nRFCab 168 (8 Gb), nREFI 3125 (3.906 us / 1.25 ns), 4 BG x 4 banks, BL16.
 *  - JEDEC JESD209-5 values as tabulated by Ramulator2 (src/dram/impl/LPDDR5.cpp) for the
 *    parameters the brief does not list: nPPD 2 (PRE to PRE), tRFCpb 120 ns (8 Gb) -> 96,
 *    tPBR2PBR 90 ns -> 72, tPBR2ACT 8 ns -> 7. Derived turnaround formulas (RD->WR =
 *    nCL + nBL + 2 - nCWL, WR->RD = nCWL + nBL + nWTR, WR->PRE = nCWL + nBL + nWR) follow
 *    Ramulator2's LPDDR5 constraint table.
 */

export interface Lpddr5Timing {
  /** Name of the speed grade. */
  readonly name: string;
  /** Data rate per pin, MT/s (documentation and bandwidth figures). */
  readonly rate: number;
  /** Command clock period in picoseconds. */
  readonly tCKps: number;
  /** CK cycles a BL16 burst occupies the data bus. */
  readonly nBL: number;
  readonly nCL: number;
  readonly nCWL: number;
  readonly nRCD: number;
  /** Per-bank precharge. */
  readonly nRP: number;
  /** All-bank precharge. */
  readonly nRPab: number;
  readonly nRAS: number;
  readonly nRC: number;
  readonly nWR: number;
  readonly nRTP: number;
  /** Column to column, different bank group. */
  readonly nCCD_S: number;
  /** Column to column, same bank group. */
  readonly nCCD_L: number;
  /** Write to read, different bank group (after the write burst ends). */
  readonly nWTR_S: number;
  /** Write to read, same bank group. */
  readonly nWTR_L: number;
  /** Activate to activate, different banks. */
  readonly nRRD: number;
  /** Four-activate window. */
  readonly nFAW: number;
  /** Precharge to precharge (any banks). */
  readonly nPPD: number;
  /** Extra CK of read-to-write bus turnaround (RD->WR = nCL + nBL + nRTW - nCWL). */
  readonly nRTW: number;
  /** All-bank refresh cycle time. */
  readonly nRFCab: number;
  /** Per-bank refresh cycle time. */
  readonly nRFCpb: number;
  /** Per-bank refresh to per-bank refresh (different banks). */
  readonly nPBR2PBR: number;
  /** Per-bank refresh to activate of another bank. */
  readonly nPBR2ACT: number;
  /** Average refresh interval (all-bank); per-bank refresh uses nREFI / banks. */
  readonly nREFI: number;
}

export interface Lpddr5Org {
  /** Bank groups (4 in BG mode). */
  readonly bankGroups: number;
  /** Banks per bank group. */
  readonly banksPerGroup: number;
  /** Rows per bank (power of two). */
  readonly rows: number;
  /** BL16 bursts (32 B) per row: a 2 KB page has 64. */
  readonly burstsPerRow: number;
  /** Bytes per burst: BL16 x 16 bits. */
  readonly burstBytes: number;
}

/** LPDDR5-6400, the default (DESIGN.md section 5; gaps filled from JEDEC via Ramulator2). */
export const LPDDR5_6400: Lpddr5Timing = Object.freeze({
  name: "LPDDR5-6400",
  rate: 6400,
  tCKps: 1250,
  nBL: 2,
  nCL: 17,
  nCWL: 9,
  nRCD: 15,
  nRP: 15,
  nRPab: 17,
  nRAS: 34,
  nRC: 49,
  nWR: 28,
  nRTP: 8,
  nCCD_S: 2,
  nCCD_L: 4,
  nWTR_S: 5,
  nWTR_L: 10,
  nRRD: 4,
  nFAW: 16,
  nPPD: 2,
  nRTW: 2,
  nRFCab: 168,
  nRFCpb: 96,
  nPBR2PBR: 72,
  nPBR2ACT: 7,
  nREFI: 3125,
});

/** Speed grades by name (add new ones here; see docs/memory.md "Adding a speed grade"). */
export const SPEED_GRADES: Readonly<Record<string, Lpddr5Timing>> = Object.freeze({
  "LPDDR5-6400": LPDDR5_6400,
});

/**
 * Default organisation: 16 banks (4 BG x 4), 2 KB pages, 2^17 rows: 4 GiB per x16 channel,
 * so the 16 channels hold the 64 GB default capacity.
 */
export const LPDDR5_ORG_DEFAULT: Lpddr5Org = Object.freeze({
  bankGroups: 4,
  banksPerGroup: 4,
  rows: 1 << 17,
  burstsPerRow: 64,
  burstBytes: 32,
});

const FIELDS: readonly (keyof Lpddr5Timing)[] = [
  "nBL", "nCL", "nCWL", "nRCD", "nRP", "nRPab", "nRAS", "nRC", "nWR", "nRTP", "nCCD_S", "nCCD_L", "nWTR_S",
  "nWTR_L", "nRRD", "nFAW", "nPPD", "nRTW", "nRFCab", "nRFCpb", "nPBR2PBR", "nPBR2ACT", "nREFI",
];

/** The names of the cycle-count parameters (for CLIs and docs). */
export function timingFields(): readonly string[] {
  return FIELDS as readonly string[];
}

/** A speed grade with some parameters replaced; throws on values that are not sane. */
export function withTiming(base: Lpddr5Timing, overrides: Partial<Lpddr5Timing>): Lpddr5Timing {
  const t = { ...base, ...overrides };
  validateTiming(t);
  return Object.freeze(t);
}

export function validateTiming(t: Lpddr5Timing): void {
  for (const f of FIELDS) {
    const v = t[f] as number;
    if (!Number.isInteger(v) || v < 0 || v > 1 << 20) throw new RangeError(`${t.name}: ${f} = ${v} is not a cycle count`);
  }
  if (t.nBL < 1) throw new RangeError(`${t.name}: nBL must be >= 1`);
  if (t.nCCD_S < 1 || t.nCCD_L < t.nCCD_S) throw new RangeError(`${t.name}: need 1 <= nCCD_S <= nCCD_L`);
  if (t.nREFI <= t.nRFCab) throw new RangeError(`${t.name}: nREFI must exceed nRFCab`);
  if (t.nCL + t.nBL + t.nRTW < t.nCWL) throw new RangeError(`${t.name}: nCL + nBL + nRTW < nCWL`);
}

export function validateOrg(o: Lpddr5Org): void {
  const pow2 = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
  for (const k of ["bankGroups", "banksPerGroup", "rows", "burstsPerRow"] as const) {
    if (!pow2(o[k])) throw new RangeError(`LPDDR5 organisation: ${k} = ${o[k]} is not a power of two`);
  }
  if (o.bankGroups * o.banksPerGroup > 16) throw new RangeError("LPDDR5 organisation: at most 16 banks");
  if (o.burstBytes !== 32) throw new RangeError("LPDDR5 organisation: bursts are 32 B (BL16 x16)");
  if (o.rows > 1 << 20) throw new RangeError("LPDDR5 organisation: at most 2^20 rows");
}

/** Peak bandwidth of one channel in bytes per second. */
export function peakBytesPerSecond(t: Lpddr5Timing, o: Lpddr5Org = LPDDR5_ORG_DEFAULT): number {
  return (o.burstBytes / t.nBL) * (1e12 / t.tCKps);
}

/** Derived minimum distances used by the controller and the checker. */
export function readToWrite(t: Lpddr5Timing): number {
  return t.nCL + t.nBL + t.nRTW - t.nCWL;
}
export function writeToReadSameGroup(t: Lpddr5Timing): number {
  return t.nCWL + t.nBL + t.nWTR_L;
}
export function writeToReadOtherGroup(t: Lpddr5Timing): number {
  return t.nCWL + t.nBL + t.nWTR_S;
}
export function writeToPrecharge(t: Lpddr5Timing): number {
  return t.nCWL + t.nBL + t.nWR;
}

/** Command codes on the command bus (0 = no command). */
export const Cmd = Object.freeze({
  NOP: 0,
  ACT: 1,
  PRE: 2,
  PREA: 3,
  RD: 4,
  WR: 5,
  RDA: 6,
  WRA: 7,
  REFAB: 8,
  REFPB: 9,
});

export const CMD_NAMES: readonly string[] = ["NOP", "ACT", "PRE", "PREA", "RD", "WR", "RDA", "WRA", "REFab", "REFpb"];
