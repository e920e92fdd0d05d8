/**
 * The scalar core's CSR file (machine mode): read mux, write decode, trap entry and mret.
 * The registers are declared by the core (core.ts: `mstatus_mie`, `mtvec`, ... in its scope);
 * the pipeline's blocks call these methods on the rare paths only (a CSR instruction, a trap,
 * mret), while the per-cycle reads and the counter increments stay in the blocks themselves.
 * See docs/pe-core.md for the CSR table.
 */
import type { Bits } from "../rtl/index.ts";

/** The core's CSR registers and the inputs that CSRs read. */
export interface CsrRegs {
  readonly st_mie: Bits;
  readonly st_mpie: Bits;
  readonly csr_mie: Bits;
  readonly csr_mtvec: Bits;
  readonly csr_mscratch: Bits;
  readonly csr_mepc: Bits;
  readonly csr_mcause: Bits;
  readonly csr_mtval: Bits;
  readonly mcycle_lo: Bits;
  readonly mcycle_hi: Bits;
  readonly minstret_lo: Bits;
  readonly minstret_hi: Bits;
  readonly irq_msi: Bits;
  readonly irq_mti: Bits;
  readonly irq_mei: Bits;
  readonly mtime_lo: Bits;
  readonly mtime_hi: Bits;
}

export class CsrFile {
  constructor(
    private readonly r: CsrRegs,
    private readonly hartId: number,
  ) {}

  /** CSR read value, or -1 when the CSR does not exist. */
  read(csr: number): number {
    const r = this.r;
    switch (csr) {
      case 0x300: return ((r.st_mie.value << 3) | (r.st_mpie.value << 7) | (3 << 11)) >>> 0;
      case 0x301: return 0x40001100;
      case 0x304: return r.csr_mie.value;
      case 0x344: return (r.irq_msi.value << 3) | (r.irq_mti.value << 7) | (r.irq_mei.value << 11);
      case 0x305: return r.csr_mtvec.value;
      case 0x340: return r.csr_mscratch.value;
      case 0x341: return r.csr_mepc.value;
      case 0x342: return r.csr_mcause.value;
      case 0x343: return r.csr_mtval.value;
      case 0xb00: case 0xc00: return r.mcycle_lo.value;
      case 0xb80: case 0xc80: return r.mcycle_hi.value;
      case 0xb02: case 0xc02: return r.minstret_lo.value;
      case 0xb82: case 0xc82: return r.minstret_hi.value;
      case 0xc01: return r.mtime_lo.value;
      case 0xc81: return r.mtime_hi.value;
      case 0xf11: case 0xf12: case 0xf13: return 0;
      case 0xf14: return this.hartId >>> 0;
      default: return -1;
    }
  }

  /**
   * Clocked: a CSR instruction writes `v` (EX checked the CSR exists and is writable). Returns
   * bit 0 when it wrote mcycle(h), bit 1 when it wrote minstret(h): that counter then does not
   * count this cycle.
   */
  write(csr: number, v: number): number {
    const r = this.r;
    switch (csr) {
      case 0x300:
        r.st_mie.next = (v >>> 3) & 1;
        r.st_mpie.next = (v >>> 7) & 1;
        return 0;
      case 0x304: r.csr_mie.next = v & 0x888; return 0;
      case 0x305: r.csr_mtvec.next = (v & ~2) >>> 0; return 0;
      case 0x340: r.csr_mscratch.next = v; return 0;
      case 0x341: r.csr_mepc.next = (v & ~3) >>> 0; return 0;
      case 0x342: r.csr_mcause.next = v; return 0;
      case 0x343: r.csr_mtval.next = v; return 0;
      case 0xb00: r.mcycle_lo.next = v; return 1;
      case 0xb80: r.mcycle_hi.next = v; return 1;
      case 0xb02: r.minstret_lo.next = v; return 2;
      case 0xb82: r.minstret_hi.next = v; return 2;
      default: return 0; // read-only or WARL-constant (misa)
    }
  }

  /** Where a trap with this mcause goes: mtvec's base, or base + 4 * cause for an interrupt in vectored mode. */
  trapVector(cause: number): number {
    const mtvec = this.r.csr_mtvec.value;
    const base = (mtvec & ~3) >>> 0;
    return (mtvec & 1) === 1 && cause >= 0x80000000 ? (base + 4 * (cause & 31)) >>> 0 : base;
  }

  /** Clocked: trap entry (mepc, mcause, mtval; MPIE <- MIE, MIE <- 0). */
  enterTrap(pc: number, cause: number, tval: number): void {
    const r = this.r;
    r.csr_mepc.next = pc;
    r.csr_mcause.next = cause;
    r.csr_mtval.next = tval;
    r.st_mpie.next = r.st_mie.value;
    r.st_mie.next = 0;
  }

  /** Clocked: mret (MIE <- MPIE, MPIE <- 1; the jump to mepc is EX's redirect). */
  mret(): void {
    const r = this.r;
    r.st_mie.next = r.st_mpie.value;
    r.st_mpie.next = 1;
  }
}
