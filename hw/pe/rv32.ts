/**
 * RV32IM + Zicsr + Zifencei constants shared by the golden model (iss.ts) and the pipeline
 * (core.ts): opcodes, CSR numbers, trap causes, the PE memory map.
 */

/** Memory map of one PE (see docs/pe-core.md). */
export const LS_BASE = 0x80000000;
/** Local store size: 128 KiB. */
export const LS_SIZE = 128 * 1024;
/** MMIO window of PE registers (CLINT-compatible layout). */
export const MMIO_BASE = 0x02000000;
export const MMIO_SIZE = 0x10000;
/** Offsets in the MMIO window. */
export const MMIO_MSIP = 0x0000;
export const MMIO_MTIMECMP = 0x4000;
export const MMIO_MTIMECMPH = 0x4004;
export const MMIO_MTIME = 0xbff8;
export const MMIO_MTIMEH = 0xbffc;
/** External interrupt line, as a PE register (write 1 to raise, 0 to clear; for tests). */
export const MMIO_MEIP = 0x0400;

export const OP = {
  LOAD: 0x03,
  MISC_MEM: 0x0f,
  OP_IMM: 0x13,
  AUIPC: 0x17,
  STORE: 0x23,
  OP: 0x33,
  LUI: 0x37,
  BRANCH: 0x63,
  JALR: 0x67,
  JAL: 0x6f,
  SYSTEM: 0x73,
} as const;

export const CSR = {
  mstatus: 0x300,
  misa: 0x301,
  mie: 0x304,
  mtvec: 0x305,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,
  mcycle: 0xb00,
  minstret: 0xb02,
  mcycleh: 0xb80,
  minstreth: 0xb82,
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,
  cycleh: 0xc80,
  timeh: 0xc81,
  instreth: 0xc82,
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
} as const;

/** misa: MXL = 1 (32-bit), extensions I and M. */
export const MISA_VALUE = (1 << 30) | (1 << 8) | (1 << 12);

export const CAUSE = {
  INSN_MISALIGNED: 0,
  INSN_ACCESS: 1,
  ILLEGAL: 2,
  BREAKPOINT: 3,
  LOAD_MISALIGNED: 4,
  LOAD_ACCESS: 5,
  STORE_MISALIGNED: 6,
  STORE_ACCESS: 7,
  ECALL_M: 11,
} as const;

/** Interrupt numbers (mip / mie bits; mcause = 0x80000000 | n). */
export const IRQ = { MSI: 3, MTI: 7, MEI: 11 } as const;
/** The mie / mip bits that exist. */
export const IRQ_MASK = (1 << IRQ.MSI) | (1 << IRQ.MTI) | (1 << IRQ.MEI);

export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_MPIE = 1 << 7;
/** MPP is hardwired to machine mode (3). */
export const MSTATUS_MPP = 3 << 11;

/** Which CSR numbers exist (both the golden model and the core implement exactly these). */
export function csrExists(csr: number): boolean {
  switch (csr) {
    case CSR.mstatus: case CSR.misa: case CSR.mie: case CSR.mtvec: case CSR.mscratch: case CSR.mepc:
    case CSR.mcause: case CSR.mtval: case CSR.mip: case CSR.mcycle: case CSR.minstret: case CSR.mcycleh:
    case CSR.minstreth: case CSR.cycle: case CSR.time: case CSR.instret: case CSR.cycleh: case CSR.timeh:
    case CSR.instreth: case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mhartid:
      return true;
    default:
      return false;
  }
}

/** Highest-priority pending and enabled interrupt (MEI > MSI > MTI), or -1. */
export function pickInterrupt(pendingEnabled: number): number {
  if (pendingEnabled & (1 << IRQ.MEI)) return IRQ.MEI;
  if (pendingEnabled & (1 << IRQ.MSI)) return IRQ.MSI;
  if (pendingEnabled & (1 << IRQ.MTI)) return IRQ.MTI;
  return -1;
}

/** Sign-extended immediates. */
export function immI(w: number): number {
  return w >> 20;
}
export function immS(w: number): number {
  return ((w >> 25) << 5) | ((w >>> 7) & 0x1f);
}
export function immB(w: number): number {
  return ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
}
export function immU(w: number): number {
  return w & 0xfffff000;
}
export function immJ(w: number): number {
  return ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
}

/** RV32M results (unsigned 32-bit), spec semantics for division by zero and overflow. */
export function mulDiv(f3: number, a: number, b: number): number {
  switch (f3) {
    case 0: return Math.imul(a, b) >>> 0;
    case 1: return Number((BigInt(a | 0) * BigInt(b | 0)) >> 32n) >>> 0;
    case 2: return Number((BigInt(a | 0) * BigInt(b >>> 0)) >> 32n) >>> 0;
    case 3: return Number((BigInt(a >>> 0) * BigInt(b >>> 0)) >> 32n) >>> 0;
    case 4: // div
      if ((b | 0) === 0) return 0xffffffff;
      if ((a | 0) === -0x80000000 && (b | 0) === -1) return 0x80000000;
      return ((a | 0) / (b | 0)) >>> 0;
    case 5: // divu
      if (b >>> 0 === 0) return 0xffffffff;
      return Math.floor((a >>> 0) / (b >>> 0)) >>> 0;
    case 6: // rem
      if ((b | 0) === 0) return a >>> 0;
      if ((a | 0) === -0x80000000 && (b | 0) === -1) return 0;
      return ((a | 0) % (b | 0)) >>> 0;
    default: // remu
      if (b >>> 0 === 0) return a >>> 0;
      return ((a >>> 0) % (b >>> 0)) >>> 0;
  }
}

/** High 32 bits of a 32x32 product without BigInt (allocation-free; for the pipeline). */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a1 * b0 + (lo >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + Math.floor(mid1 / 65536) + Math.floor(mid2 / 65536)) >>> 0;
}
