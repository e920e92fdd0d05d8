/**
 * DRAM address mappings: a system block address (byte address / 32, one BL16 burst) is split
 * into channel, rank, bank group, bank, row and column fields.
 *
 * A mapping is named by its fields from the most significant to the least significant, in
 * Ramulator's notation: `RoBaRaCoCh` (row, bank, rank, column, channel: consecutive bursts
 * interleave over channels, then walk a row) and `ChRaBaRoCo` (channel at the top: each
 * channel a contiguous range, consecutive bursts walk one row). When the name has no `Bg`
 * field, `Ba` is the whole bank number with the bank group in its low bits; a `Bg` field
 * places the bank group separately and `Ba` is then the bank within its group. The default,
 * `RoBaRaCoBgCh`, interleaves bank groups burst by burst inside a channel, which is what
 * BL16 streaming at nCCD_S = nBL needs (with the group above the column, streaming is limited
 * by nCCD_L to half the peak).
 *
 * Bank XOR (permutation-based interleaving, Zhang, Zhu and Zhang, MICRO 2000): the bank number
 * is XORed with the low bits of the row, so rows that conflict in one bank spread over banks.
 */
import type { Lpddr5Org } from "./lpddr5-timing.ts";

export type FieldName = "Ro" | "Ba" | "Bg" | "Ra" | "Co" | "Ch";

export interface AddressMapOptions {
  /** Mapping name, e.g. `RoBaRaCoBgCh` (default), `RoBaRaCoCh`, `ChRaBaRoCo`. */
  mapping?: string;
  /** Number of channels in the system (power of two; default 16). */
  channels?: number;
  /** Ranks per channel (power of two; default 1). */
  ranks?: number;
  /** XOR the bank number with the low row bits. */
  bankXor?: boolean;
}

/** The fields of one decoded address. `bank` is bankGroup * banksPerGroup + bank-in-group. */
export interface DecodedAddress {
  channel: number;
  rank: number;
  bank: number;
  row: number;
  column: number;
}

export const DEFAULT_MAPPING = "RoBaRaCoBgCh";
export const MAPPINGS: readonly string[] = ["RoBaRaCoBgCh", "RoBaRaCoCh", "ChRaBaRoCo", "RoCoBaRaCh"];

function log2(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`${what} = ${n} is not a power of two`);
  return 31 - Math.clz32(n);
}

export class AddressMap {
  readonly mapping: string;
  readonly channels: number;
  readonly ranks: number;
  readonly bankXor: boolean;
  readonly banks: number;
  /** Bits of a block address this map uses. */
  readonly blockBits: number;
  // Shift and mask of each field in the block address.
  readonly chShift: number;
  readonly chMask: number;
  private readonly raShift: number;
  private readonly raMask: number;
  private readonly roShift: number;
  private readonly roMask: number;
  private readonly coShift: number;
  private readonly coMask: number;
  /** The `Ba` field: whole bank number, or bank within group when `Bg` is separate. */
  private readonly baShift: number;
  private readonly baMask: number;
  private readonly bgShift: number;
  private readonly bgMask: number;
  private readonly separateGroup: boolean;
  private readonly bgBits: number;
  private readonly bankMask: number;

  constructor(org: Lpddr5Org, options: AddressMapOptions = {}) {
    this.mapping = options.mapping ?? DEFAULT_MAPPING;
    this.channels = options.channels ?? 16;
    this.ranks = options.ranks ?? 1;
    this.bankXor = options.bankXor ?? false;
    const tokens: string[] = [...(this.mapping.match(/Ro|Ba|Bg|Ra|Co|Ch/g) ?? [])];
    if (tokens.join("") !== this.mapping) throw new RangeError(`address mapping '${this.mapping}': use the fields Ro, Ba, Bg, Ra, Co, Ch`);
    for (const f of ["Ro", "Ba", "Ra", "Co", "Ch"]) {
      if (tokens.filter((t) => t === f).length !== 1) throw new RangeError(`address mapping '${this.mapping}': field ${f} must appear once`);
    }
    if (tokens.filter((t) => t === "Bg").length > 1) throw new RangeError(`address mapping '${this.mapping}': Bg appears twice`);
    this.separateGroup = tokens.includes("Bg");
    this.bgBits = log2(org.bankGroups, "bank groups");
    const bkBits = log2(org.banksPerGroup, "banks per group");
    this.banks = org.bankGroups * org.banksPerGroup;
    this.bankMask = this.banks - 1;
    const bits: Record<FieldName, number> = {
      Ch: log2(this.channels, "channels"),
      Ra: log2(this.ranks, "ranks"),
      Ro: log2(org.rows, "rows"),
      Co: log2(org.burstsPerRow, "bursts per row"),
      Ba: this.separateGroup ? bkBits : this.bgBits + bkBits,
      Bg: this.separateGroup ? this.bgBits : 0,
    };
    const shift: Record<FieldName, number> = { Ch: 0, Ra: 0, Ro: 0, Co: 0, Ba: 0, Bg: 0 };
    let at = 0;
    for (let i = tokens.length - 1; i >= 0; i--) {
      const f = tokens[i] as FieldName;
      shift[f] = at;
      at += bits[f];
    }
    if (at > 32) throw new RangeError(`address mapping '${this.mapping}': ${at} block-address bits (max 32)`);
    this.blockBits = at;
    const mask = (f: FieldName): number => (bits[f] === 0 ? 0 : ((1 << bits[f]) - 1) >>> 0);
    this.chShift = shift.Ch;
    this.chMask = mask("Ch");
    this.raShift = shift.Ra;
    this.raMask = mask("Ra");
    this.roShift = shift.Ro;
    this.roMask = mask("Ro");
    this.coShift = shift.Co;
    this.coMask = mask("Co");
    this.baShift = shift.Ba;
    this.baMask = mask("Ba");
    this.bgShift = shift.Bg;
    this.bgMask = mask("Bg");
  }

  /** Number of 32-B blocks the map covers (all channels). */
  get blocks(): number {
    return 2 ** this.blockBits;
  }

  channelOf(block: number): number {
    return (block >>> this.chShift) & this.chMask;
  }
  rowOf(block: number): number {
    return (block >>> this.roShift) & this.roMask;
  }
  columnOf(block: number): number {
    return (block >>> this.coShift) & this.coMask;
  }
  rankOf(block: number): number {
    return (block >>> this.raShift) & this.raMask;
  }
  /** Bank number 0..banks-1 (bank group = bank / banksPerGroup... see bankGroupOf). */
  bankOf(block: number): number {
    let b: number;
    const ba = (block >>> this.baShift) & this.baMask;
    if (this.separateGroup) {
      const bg = (block >>> this.bgShift) & this.bgMask;
      b = (ba << this.bgBits) | bg;
    } else {
      b = ba;
    }
    if (this.bankXor) b ^= this.rowOf(block) & this.bankMask;
    return b;
  }
  /**
   * The bank group of a bank number: the low bits (so consecutive bank numbers are in
   * different groups).
   */
  groupOfBank(bank: number): number {
    return bank & ((1 << this.bgBits) - 1);
  }

  decode(block: number): DecodedAddress {
    return { channel: this.channelOf(block), rank: this.rankOf(block), bank: this.bankOf(block), row: this.rowOf(block), column: this.columnOf(block) };
  }

  /** The block address of the given fields (inverse of decode). */
  encode(a: DecodedAddress): number {
    let b = a.bank & this.bankMask;
    if (this.bankXor) b ^= a.row & this.bankMask;
    let block = 0;
    block += ((a.channel & this.chMask) >>> 0) * 2 ** this.chShift;
    block += ((a.rank & this.raMask) >>> 0) * 2 ** this.raShift;
    block += ((a.row & this.roMask) >>> 0) * 2 ** this.roShift;
    block += ((a.column & this.coMask) >>> 0) * 2 ** this.coShift;
    if (this.separateGroup) {
      const bg = b & ((1 << this.bgBits) - 1);
      const bk = b >>> this.bgBits;
      block += bg * 2 ** this.bgShift + bk * 2 ** this.baShift;
    } else {
      block += b * 2 ** this.baShift;
    }
    return block;
  }

  /** The k-th block of channel `ch` in increasing system-address order. */
  channelBlock(k: number, ch: number): number {
    const chBits = 31 - Math.clz32(this.channels);
    const low = k % 2 ** this.chShift;
    const high = Math.floor(k / 2 ** this.chShift);
    return high * 2 ** (this.chShift + chBits) + ch * 2 ** this.chShift + low;
  }

  /** Blocks per channel. */
  get blocksPerChannel(): number {
    return this.blocks / this.channels;
  }
}
