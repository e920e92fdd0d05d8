/**
 * The instruction-level golden model of the PE scalar core: RV32IM + Zicsr + Zifencei, machine
 * mode only, not pipelined, one instruction per `step()`. It is the reference the pipeline's
 * commit stream is compared with (test/pe/lockstep.test.ts), and is itself checked against
 * qemu-riscv32 (test/pe/qemu.test.ts).
 *
 * Architectural choices it shares with the pipeline (docs/pe-core.md):
 *  - misaligned loads and stores are done in hardware (never trap), as the local store's data
 *    port reads and writes two adjacent words at once;
 *  - an access outside the local store and the MMIO window, or a non-word / misaligned MMIO
 *    access, is an access fault (mtval = address); fetch outside the local store likewise;
 *  - `ecall` with a7 = 93 while mtvec = 0 (no trap handler installed) ends the run with exit
 *    code a0 (a host call); otherwise ecall traps;
 *  - a store whose address equals `tohostAddr` ends the run with the stored value.
 */
import {
  CAUSE, CSR, IRQ, IRQ_MASK, LS_BASE, LS_SIZE, MISA_VALUE, MMIO_BASE, MMIO_MEIP, MMIO_MSIP, MMIO_MTIME, MMIO_MTIMECMP,
  MMIO_MTIMECMPH, MMIO_MTIMEH, MMIO_SIZE, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, OP, csrExists, immB, immI, immJ, immS,
  immU, mulDiv, pickInterrupt,
} from "./rv32.ts";

/** Why a run stopped. */
export type Exit =
  | { kind: "tohost"; value: number }
  | { kind: "ecall"; code: number };

export class GoldenModel {
  readonly x = new Uint32Array(32);
  pc = LS_BASE;
  readonly mem = new Uint8Array(LS_SIZE);
  hartId = 0;
  // CSRs
  mstatus = 0;
  mie = 0;
  mtvec = 0;
  mscratch = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  cycle = 0; // mcycle, 64-bit as a number (safe to 2^53)
  instret = 0;
  // PE registers (MMIO)
  msip = 0;
  meip = 0;
  mtime = 0;
  mtimecmp = 2 ** 64 - 1;
  /** Address watched for the tohost convention (-1: none). */
  tohostAddr = -1;
  exit: Exit | undefined;
  /** Whether mtime advances by one per step (standalone runs); lockstep harnesses set it. */
  tickTime = true;

  // Last step's commit record (allocation-free)
  /** 1 when the last step retired an instruction, 0 when it trapped (or took an interrupt). */
  retired = 0;
  lastPc = 0;
  lastInsn = 0;
  /** Destination register written (0: none). */
  lastRd = 0;
  lastRdValue = 0;
  /** Trap cause of the last step, or -1. Interrupts have bit 31 set. */
  lastTrap = -1;
  /** Store address and value of the last step (lastStoreSize 0: no store). */
  lastStoreAddr = 0;
  lastStoreValue = 0;
  lastStoreSize = 0;

  load(bytes: Uint8Array, address: number): void {
    const off = (address - LS_BASE) >>> 0;
    if (off + bytes.length > LS_SIZE) throw new Error(`segment at 0x${address.toString(16)} (${bytes.length} bytes) outside the local store`);
    this.mem.set(bytes, off);
  }

  get mip(): number {
    let v = 0;
    if (this.msip & 1) v |= 1 << IRQ.MSI;
    if (this.mtime >= this.mtimecmp) v |= 1 << IRQ.MTI;
    if (this.meip & 1) v |= 1 << IRQ.MEI;
    return v;
  }

  private trap(cause: number, tval: number): void {
    this.lastTrap = cause;
    this.mepc = this.pc;
    this.mcause = cause >>> 0;
    this.mtval = tval >>> 0;
    const mie = this.mstatus & MSTATUS_MIE;
    this.mstatus = (this.mstatus & ~(MSTATUS_MIE | MSTATUS_MPIE)) | (mie ? MSTATUS_MPIE : 0) | MSTATUS_MPP;
    const base = this.mtvec & ~3;
    const interrupt = (cause & 0x80000000) !== 0;
    this.pc = ((this.mtvec & 1) && interrupt ? base + 4 * (cause & 0x7fffffff) : base) >>> 0;
  }

  /** The interrupt the core would take now, or -1. */
  pendingInterrupt(): number {
    if ((this.mstatus & MSTATUS_MIE) === 0) return -1;
    return pickInterrupt(this.mip & this.mie);
  }

  /** Takes interrupt `irq` now (the lockstep harness calls it when the pipeline did). */
  takeInterrupt(irq: number): void {
    this.retired = 0;
    this.lastPc = this.pc;
    this.lastRd = 0;
    this.lastStoreSize = 0;
    this.trap((0x80000000 | irq) >>> 0, 0);
  }

  private inLs(addr: number, size: number): boolean {
    const off = (addr - LS_BASE) >>> 0;
    return off <= LS_SIZE - size;
  }

  private mmioRead(off: number): number {
    switch (off) {
      case MMIO_MSIP: return this.msip;
      case MMIO_MEIP: return this.meip;
      case MMIO_MTIMECMP: return this.mtimecmp % 2 ** 32;
      case MMIO_MTIMECMPH: return Math.floor(this.mtimecmp / 2 ** 32);
      case MMIO_MTIME: return this.mtime % 2 ** 32;
      case MMIO_MTIMEH: return Math.floor(this.mtime / 2 ** 32);
      default: return 0;
    }
  }

  private mmioWrite(off: number, v: number): void {
    v >>>= 0;
    switch (off) {
      case MMIO_MSIP: this.msip = v & 1; break;
      case MMIO_MEIP: this.meip = v & 1; break;
      case MMIO_MTIMECMP: this.mtimecmp = Math.floor(this.mtimecmp / 2 ** 32) * 2 ** 32 + v; break;
      case MMIO_MTIMECMPH: this.mtimecmp = v * 2 ** 32 + (this.mtimecmp % 2 ** 32); break;
      case MMIO_MTIME: this.mtime = Math.floor(this.mtime / 2 ** 32) * 2 ** 32 + v; break;
      case MMIO_MTIMEH: this.mtime = v * 2 ** 32 + (this.mtime % 2 ** 32); break;
      default: break;
    }
  }

  /** Loads `size` bytes (zero-extended), or returns -1 on an access fault. */
  private loadData(addr: number, size: number): number {
    if (this.inLs(addr, size)) {
      const o = (addr - LS_BASE) >>> 0;
      const m = this.mem;
      if (size === 1) return m[o]!;
      if (size === 2) return m[o]! | (m[o + 1]! << 8);
      return (m[o]! | (m[o + 1]! << 8) | (m[o + 2]! << 16) | (m[o + 3]! << 24)) >>> 0;
    }
    const mo = (addr - MMIO_BASE) >>> 0;
    if (mo < MMIO_SIZE && size === 4 && (addr & 3) === 0) return this.mmioRead(mo);
    return -1;
  }

  /** Stores; returns false on an access fault. */
  private storeData(addr: number, size: number, v: number): boolean {
    if (this.inLs(addr, size)) {
      const o = (addr - LS_BASE) >>> 0;
      for (let i = 0; i < size; i++) this.mem[o + i] = (v >>> (8 * i)) & 0xff;
      return true;
    }
    const mo = (addr - MMIO_BASE) >>> 0;
    if (mo < MMIO_SIZE && size === 4 && (addr & 3) === 0) {
      this.mmioWrite(mo, v);
      return true;
    }
    return false;
  }

  /** CSR read value, or undefined when the CSR does not exist. */
  readCsr(csr: number): number | undefined {
    switch (csr) {
      case CSR.mstatus: return (this.mstatus | MSTATUS_MPP) >>> 0;
      case CSR.misa: return MISA_VALUE >>> 0;
      case CSR.mie: return this.mie;
      case CSR.mip: return this.mip;
      case CSR.mtvec: return this.mtvec >>> 0;
      case CSR.mscratch: return this.mscratch >>> 0;
      case CSR.mepc: return this.mepc >>> 0;
      case CSR.mcause: return this.mcause >>> 0;
      case CSR.mtval: return this.mtval >>> 0;
      case CSR.mcycle: case CSR.cycle: return this.cycle % 2 ** 32;
      case CSR.mcycleh: case CSR.cycleh: return Math.floor(this.cycle / 2 ** 32) >>> 0;
      case CSR.minstret: case CSR.instret: return this.instret % 2 ** 32;
      case CSR.minstreth: case CSR.instreth: return Math.floor(this.instret / 2 ** 32) >>> 0;
      case CSR.time: return this.mtime % 2 ** 32;
      case CSR.timeh: return Math.floor(this.mtime / 2 ** 32) >>> 0;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: return 0;
      case CSR.mhartid: return this.hartId >>> 0;
      default: return undefined;
    }
  }

  /** Returns true when the instruction's own minstret increment is suppressed (it wrote minstret). */
  private writeCsr(csr: number, v: number): boolean {
    v >>>= 0;
    switch (csr) {
      case CSR.mstatus: this.mstatus = (v & (MSTATUS_MIE | MSTATUS_MPIE)) | MSTATUS_MPP; break;
      case CSR.mie: this.mie = v & IRQ_MASK; break;
      case CSR.mtvec: this.mtvec = (v & ~2) >>> 0; break;
      case CSR.mscratch: this.mscratch = v; break;
      case CSR.mepc: this.mepc = (v & ~3) >>> 0; break;
      case CSR.mcause: this.mcause = v; break;
      case CSR.mtval: this.mtval = v; break;
      case CSR.mcycle: this.cycle = Math.floor(this.cycle / 2 ** 32) * 2 ** 32 + v; break;
      case CSR.mcycleh: this.cycle = v * 2 ** 32 + (this.cycle % 2 ** 32); break;
      case CSR.minstret: this.instret = Math.floor(this.instret / 2 ** 32) * 2 ** 32 + v; return true;
      case CSR.minstreth: this.instret = v * 2 ** 32 + (this.instret % 2 ** 32); return true;
      default: break; // misa, mip: writes ignored (WARL / read-only bits)
    }
    return false;
  }

  /** Executes one instruction (or takes one trap / interrupt). */
  step(): void {
    this.lastRd = 0;
    this.lastStoreSize = 0;
    this.lastTrap = -1;
    this.retired = 0;
    this.cycle++;
    if (this.tickTime) this.mtime++;
    const irq = this.pendingInterrupt();
    if (irq >= 0) {
      this.takeInterrupt(irq);
      return;
    }
    const pc = this.pc;
    this.lastPc = pc;
    if (!this.inLs(pc, 4) || (pc & 3) !== 0) {
      this.lastInsn = 0;
      this.trap(CAUSE.INSN_ACCESS, pc);
      return;
    }
    const o = (pc - LS_BASE) >>> 0;
    const m = this.mem;
    const w = (m[o]! | (m[o + 1]! << 8) | (m[o + 2]! << 16) | (m[o + 3]! << 24)) >>> 0;
    this.lastInsn = w;
    const x = this.x;
    const opcode = w & 0x7f;
    const rd = (w >>> 7) & 31;
    const f3 = (w >>> 12) & 7;
    const rs1 = (w >>> 15) & 31;
    const rs2 = (w >>> 20) & 31;
    const f7 = w >>> 25;
    const a = x[rs1]!;
    const b = x[rs2]!;
    let next = (pc + 4) >>> 0;
    let result = 0;
    let writes = false;
    let countInstret = true;
    const illegal = (): void => this.trap(CAUSE.ILLEGAL, w);
    switch (opcode) {
      case OP.LUI: result = immU(w); writes = true; break;
      case OP.AUIPC: result = (pc + immU(w)) >>> 0; writes = true; break;
      case OP.JAL: {
        const t = (pc + immJ(w)) >>> 0;
        if (t & 3) return this.trap(CAUSE.INSN_MISALIGNED, t);
        result = next; writes = true; next = t;
        break;
      }
      case OP.JALR: {
        if (f3 !== 0) return illegal();
        const t = ((a + immI(w)) & ~1) >>> 0;
        if (t & 3) return this.trap(CAUSE.INSN_MISALIGNED, t);
        result = next; writes = true; next = t;
        break;
      }
      case OP.BRANCH: {
        let taken: boolean;
        switch (f3) {
          case 0: taken = a === b; break;
          case 1: taken = a !== b; break;
          case 4: taken = (a | 0) < (b | 0); break;
          case 5: taken = (a | 0) >= (b | 0); break;
          case 6: taken = a < b; break;
          case 7: taken = a >= b; break;
          default: return illegal();
        }
        if (taken) {
          const t = (pc + immB(w)) >>> 0;
          if (t & 3) return this.trap(CAUSE.INSN_MISALIGNED, t);
          next = t;
        }
        break;
      }
      case OP.LOAD: {
        const addr = (a + immI(w)) >>> 0;
        const size = f3 & 3;
        if (f3 === 3 || f3 > 5) return illegal();
        const bytes = size === 0 ? 1 : size === 1 ? 2 : 4;
        const v = this.loadData(addr, bytes);
        if (v < 0) return this.trap(CAUSE.LOAD_ACCESS, addr);
        result = f3 === 0 ? (v << 24) >> 24 : f3 === 1 ? (v << 16) >> 16 : v;
        result >>>= 0;
        writes = true;
        break;
      }
      case OP.STORE: {
        if (f3 > 2) return illegal();
        const addr = (a + immS(w)) >>> 0;
        const bytes = 1 << f3;
        const v = bytes === 4 ? b : b & ((1 << (8 * bytes)) - 1);
        if (!this.storeData(addr, bytes, v)) return this.trap(CAUSE.STORE_ACCESS, addr);
        this.lastStoreAddr = addr;
        this.lastStoreValue = v >>> 0;
        this.lastStoreSize = bytes;
        if (addr === this.tohostAddr) this.exit = { kind: "tohost", value: v >>> 0 };
        break;
      }
      case OP.OP_IMM: {
        const imm = immI(w);
        const sh = rs2;
        switch (f3) {
          case 0: result = (a + imm) >>> 0; break;
          case 2: result = (a | 0) < imm ? 1 : 0; break;
          case 3: result = a < imm >>> 0 ? 1 : 0; break;
          case 4: result = (a ^ imm) >>> 0; break;
          case 6: result = (a | imm) >>> 0; break;
          case 7: result = (a & imm) >>> 0; break;
          case 1: if (f7 !== 0) return illegal(); result = (a << sh) >>> 0; break;
          default: // 5
            if (f7 === 0) result = a >>> sh;
            else if (f7 === 0x20) result = (a >> sh) >>> 0;
            else return illegal();
        }
        writes = true;
        break;
      }
      case OP.OP: {
        if (f7 === 1) {
          result = mulDiv(f3, a, b);
        } else if (f7 === 0) {
          switch (f3) {
            case 0: result = (a + b) >>> 0; break;
            case 1: result = (a << (b & 31)) >>> 0; break;
            case 2: result = (a | 0) < (b | 0) ? 1 : 0; break;
            case 3: result = a < b ? 1 : 0; break;
            case 4: result = (a ^ b) >>> 0; break;
            case 5: result = a >>> (b & 31); break;
            case 6: result = (a | b) >>> 0; break;
            default: result = (a & b) >>> 0; break;
          }
        } else if (f7 === 0x20 && f3 === 0) result = (a - b) >>> 0;
        else if (f7 === 0x20 && f3 === 5) result = (a >> (b & 31)) >>> 0;
        else return illegal();
        writes = true;
        break;
      }
      case OP.MISC_MEM:
        if (f3 !== 0 && f3 !== 1) return illegal();
        break; // fence, fence.i: memory is coherent in the model
      case OP.SYSTEM: {
        if (f3 === 0) {
          if (w === 0x00000073) {
            if (this.mtvec === 0 && x[17] === 93) {
              this.exit = { kind: "ecall", code: x[10]! };
              break; // retires: the host call completes
            }
            return this.trap(CAUSE.ECALL_M, 0);
          }
          if (w === 0x00100073) return this.trap(CAUSE.BREAKPOINT, pc);
          if (w === 0x30200073) { // mret
            const mpie = this.mstatus & MSTATUS_MPIE;
            this.mstatus = (this.mstatus & ~MSTATUS_MIE) | (mpie ? MSTATUS_MIE : 0) | MSTATUS_MPIE | MSTATUS_MPP;
            next = this.mepc;
            break;
          }
          if (w === 0x10500073) break; // wfi: a no-op here (the pipeline waits; same architectural result)
          return illegal();
        }
        if (f3 === 4) return illegal();
        const csr = w >>> 20;
        const old = this.readCsr(csr);
        if (old === undefined || !csrExists(csr)) return illegal();
        const src = f3 >= 5 ? rs1 : a;
        const op = f3 & 3;
        const doWrite = op === 1 || rs1 !== 0;
        if (doWrite && csr >>> 10 === 3) return illegal();
        if (doWrite) {
          const nv = op === 1 ? src : op === 2 ? old | src : old & ~src;
          if (this.writeCsr(csr, nv)) countInstret = false;
        }
        result = old;
        writes = true;
        break;
      }
      default:
        return illegal();
    }
    if (writes && rd !== 0) {
      x[rd] = result;
      this.lastRd = rd;
      this.lastRdValue = result >>> 0;
    }
    this.pc = next;
    this.retired = 1;
    if (countInstret) this.instret++;
  }

  /** Runs until an exit convention or `maxSteps`; returns the exit or undefined. */
  run(maxSteps: number): Exit | undefined {
    for (let i = 0; i < maxSteps && this.exit === undefined; i++) this.step();
    return this.exit;
  }
}
