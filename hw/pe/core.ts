/**
 * The PE scalar core (Proc-A): RV32IM + Zicsr + Zifencei, machine mode, in-order 5-stage
 * pipeline IF, ID, EX, MEM, WB. See docs/pe-core.md for the diagram, hazards and latencies.
 *
 * Structure (for simulation speed, the whole pipeline is two blocks; docs/pe-core.md says why):
 *  - `evaluate` (combinational): ID decode and register read (with the WB bypass), EX
 *    forwarding from MEM and WB, ALU / multiplier / branch / CSR read, trap and interrupt
 *    decision, MEM load alignment, hazard detection, and the two bus requests (fetch, data);
 *  - `update` (clocked): moves the pipeline registers, writes the register file and the CSRs.
 * The CSR file's rare paths are in core-csr.ts, the legality check and the multiplier's high
 * word in core-decode.ts.
 *
 * The register file is a kernel register array (`rf`, entries `x[0]`..`x[31]`, shown in
 * VCDs) written only by the clocked block, at the end of WB; it is read in ID with a WB->ID
 * bypass.
 *
 * Bus interface (the same for the vector core and the command processor later): two
 * request/response ports, fetch (`i_*`) and data (`d_*`). A request is `*_req_valid` with its
 * fields; it is accepted in a cycle when `*_req_ready` is 1 (valid never depends on ready).
 * Read data returns in order on `*_resp_valid` / `*_resp_data`, any number of cycles later
 * (the local store: its configured latency). Data requests carry a byte address and a size
 * (0 byte, 1 half, 2 word), may be misaligned, and return data aligned to bit 0,
 * zero-extended. Writes get no response.
 *
 * Hot-path rules (hw/rtl/compile-batch.ts): numeric literals instead of imported constants,
 * one declarator per `let`, no closures, helpers only through `this`, so both blocks compile to
 * direct typed-array accesses; and each signal read once into a local.
 */
import { Module, type Bits, type RegArray } from "../rtl/index.ts";
import { CsrFile } from "./core-csr.ts";
import { isLegal, mulhu } from "./core-decode.ts";
import { LS_BASE, LS_SIZE } from "./rv32.ts";

export interface CoreOptions {
  /** mhartid. */
  hartId?: number;
  /** Reset PC (default: start of the local store). */
  resetPc?: number;
  /** First address of the local store and its size (fetch and data PMA check). */
  lsBase?: number;
  lsSize?: number;
  /** The MMIO window (data accesses only; word-aligned words). */
  mmioBase?: number;
  mmioSize?: number;
}

/** Statistics counted by the clocked block (plain numbers, not signals). */
export interface CoreStats {
  cycles: number;
  retired: number;
  stallLoadUse: number;
  stallMemory: number;
  stallDivide: number;
  stallWfi: number;
  stallFetch: number;
  flushBranch: number;
  flushPredict: number;
  traps: number;
}

export class ScalarCore extends Module {
  // ---- bus: fetch port ----
  readonly i_req_valid = this.output("i_req_valid", 1);
  readonly i_req_addr = this.output("i_req_addr", 32);
  readonly i_req_ready = this.input("i_req_ready", 1);
  readonly i_resp_valid = this.input("i_resp_valid", 1);
  readonly i_resp_data = this.input("i_resp_data", 32);
  // ---- bus: data port ----
  readonly d_req_valid = this.output("d_req_valid", 1);
  readonly d_req_addr = this.output("d_req_addr", 32);
  readonly d_req_write = this.output("d_req_write", 1);
  readonly d_req_size = this.output("d_req_size", 2);
  readonly d_req_wdata = this.output("d_req_wdata", 32);
  readonly d_req_ready = this.input("d_req_ready", 1);
  readonly d_resp_valid = this.input("d_resp_valid", 1);
  readonly d_resp_data = this.input("d_resp_data", 32);
  // ---- interrupts, time, host conventions ----
  readonly irq_msi = this.input("irq_msi", 1);
  readonly irq_mti = this.input("irq_mti", 1);
  readonly irq_mei = this.input("irq_mei", 1);
  readonly mtime_lo = this.input("mtime_lo", 32);
  readonly mtime_hi = this.input("mtime_hi", 32);
  /** A store to this address ends the run (riscv-tests `tohost`); 0 disables. */
  readonly tohost_addr = this.input("tohost_addr", 32);
  readonly halted = this.output("halted", 1);
  /** 1: tohost store, 2: ecall a7 = 93 (host exit). */
  readonly exit_kind = this.output("exit_kind", 2);
  readonly exit_value = this.output("exit_value", 32);

  // ---- IF ----
  readonly if_pc: Bits;
  readonly f_out = this.reg("f_out", 1);
  readonly f_pc = this.reg("f_pc", 32);
  readonly f_kill = this.reg("f_kill", 1);
  readonly f_err = this.reg("f_err", 1);
  // ---- ID skid (instruction held while ID stalls) ----
  readonly s_valid = this.reg("s_valid", 1);
  readonly s_pc = this.reg("s_pc", 32);
  readonly s_insn = this.reg("s_insn", 32);
  readonly s_err = this.reg("s_err", 1);
  // ---- EX ----
  readonly ex_valid = this.reg("ex_valid", 1);
  readonly ex_pc = this.reg("ex_pc", 32);
  readonly ex_insn = this.reg("ex_insn", 32);
  readonly ex_a = this.reg("ex_a", 32);
  readonly ex_b = this.reg("ex_b", 32);
  /** Exception from IF/ID: 0 none, else cause + 1. */
  readonly ex_exc = this.reg("ex_exc", 4);
  /** ID predicted this control transfer taken (fetch went to the target). */
  readonly ex_pred = this.reg("ex_pred", 1);
  /** EX's wfi has waited at least one cycle (an interrupt then arriving is taken after it). */
  readonly wfi_wait = this.reg("wfi_wait", 1);
  // ---- iterative divider ----
  readonly dv_busy = this.reg("dv_busy", 1);
  readonly dv_done = this.reg("dv_done", 1);
  readonly dv_cnt = this.reg("dv_cnt", 6);
  readonly dv_q = this.reg("dv_q", 32);
  readonly dv_r = this.reg("dv_r", 32);
  readonly dv_d = this.reg("dv_d", 32);
  readonly dv_negq = this.reg("dv_negq", 1);
  readonly dv_negr = this.reg("dv_negr", 1);
  // ---- MEM ----
  readonly mem_valid = this.reg("mem_valid", 1);
  readonly mem_pc = this.reg("mem_pc", 32);
  readonly mem_insn = this.reg("mem_insn", 32);
  readonly mem_rd = this.reg("mem_rd", 5);
  readonly mem_res = this.reg("mem_res", 32);
  // ---- WB (also the commit record: RVFI-like) ----
  readonly wb_valid = this.reg("wb_valid", 1);
  readonly wb_pc = this.reg("wb_pc", 32);
  readonly wb_insn = this.reg("wb_insn", 32);
  readonly wb_rd = this.reg("wb_rd", 5);
  readonly wb_data = this.reg("wb_data", 32);
  // ---- CSRs ----
  readonly st_mie = this.reg("mstatus_mie", 1);
  readonly st_mpie = this.reg("mstatus_mpie", 1);
  readonly csr_mie = this.reg("mie", 12);
  readonly csr_mtvec = this.reg("mtvec", 32);
  readonly csr_mscratch = this.reg("mscratch", 32);
  readonly csr_mepc = this.reg("mepc", 32);
  readonly csr_mcause = this.reg("mcause", 32);
  readonly csr_mtval = this.reg("mtval", 32);
  readonly mcycle_lo = this.reg("mcycle", 32);
  readonly mcycle_hi = this.reg("mcycleh", 32);
  readonly minstret_lo = this.reg("minstret", 32);
  readonly minstret_hi = this.reg("minstreth", 32);
  // ---- run control ----
  readonly halt_r = this.reg("halt", 1);
  readonly exit_kind_r = this.reg("exit_kind_r", 2);
  readonly exit_value_r = this.reg("exit_value_r", 32);

  // ---- combinational results (wires; visible in VCDs) ----
  readonly id_valid = this.wire("id_valid", 1);
  readonly id_pc = this.wire("id_pc", 32);
  readonly id_insn = this.wire("id_insn", 32);
  readonly id_a = this.wire("id_a", 32);
  readonly id_b = this.wire("id_b", 32);
  /** ID predicts a taken branch or jump: fetch goes to id_target. */
  readonly id_redirect = this.wire("id_redirect", 1);
  readonly id_target = this.wire("id_target", 32);
  /** Load-use interlock: ID waits one cycle for a load in EX. */
  readonly stall_load_use = this.wire("stall_load_use", 1);
  /** EX holds: iterative divide or wfi. */
  readonly stall_ex = this.wire("stall_ex", 1);
  /** MEM waits for load data. */
  readonly stall_mem = this.wire("stall_mem", 1);
  /** EX resolves a misprediction, a jump register, a trap, mret or fence.i: IF and ID are flushed. */
  readonly flush = this.wire("flush", 1);
  readonly ex_target = this.wire("ex_target", 32);
  readonly ex_result = this.wire("ex_result", 32);
  /** rs2 after forwarding (store data). */
  readonly ex_fwd_b = this.wire("ex_fwd_b", 32);
  readonly ex_fwd_a = this.wire("ex_fwd_a", 32);
  /** EX takes a trap (exception or interrupt) with this mcause / mtval. */
  readonly ex_trap = this.wire("ex_trap", 1);
  readonly ex_cause = this.wire("ex_cause", 32);
  readonly ex_tval = this.wire("ex_tval", 32);
  /** EX's CSR instruction writes this value (ex_csr_we). */
  readonly ex_csr_we = this.wire("ex_csr_we", 1);
  readonly ex_csr_wdata = this.wire("ex_csr_wdata", 32);
  /** EX's store hits tohost or its ecall is a host exit. */
  readonly ex_exit = this.wire("ex_exit", 2);
  /** MEM's value as written back (load data aligned and extended, or the EX result). */
  readonly mem_value = this.wire("mem_value", 32);
  /** IF would fetch this cycle (i_req_valid before the local-store range check). */
  readonly fetch_want = this.wire("fetch_want", 1);

  /** Register file x0..x31 (written in `update` only; reset clears it). */
  readonly rf: RegArray = this.regArray("x", 32, 32, { resettable: true });
  readonly stats: CoreStats = {
    cycles: 0, retired: 0, stallLoadUse: 0, stallMemory: 0, stallDivide: 0, stallWfi: 0, stallFetch: 0, flushBranch: 0, flushPredict: 0, traps: 0,
  };

  /** CSR read mux and write decode (core-csr.ts) over the CSR registers above. */
  private readonly csrs: CsrFile;
  // Pure helpers (core-decode.ts), reached through `this`: a block may use no free identifiers.
  private readonly isLegal = isLegal;
  private readonly mulhu = mulhu;
  // Configuration read by the hot methods (plain numbers).
  private readonly lsBase: number;
  private readonly lsSize: number;
  private readonly mmioBase: number;
  private readonly mmioSize: number;

  constructor(parent: Module | null, name: string, options: CoreOptions = {}) {
    super(parent, name);
    this.csrs = new CsrFile(this, options.hartId ?? 0);
    this.lsBase = options.lsBase ?? LS_BASE;
    this.lsSize = options.lsSize ?? LS_SIZE;
    this.mmioBase = options.mmioBase ?? 0x02000000;
    this.mmioSize = options.mmioSize ?? 0x10000;
    this.if_pc = this.reg("if_pc", 32, { init: (options.resetPc ?? this.lsBase) >>> 0 });
    this.connect(this.halted, this.halt_r);
    this.connect(this.exit_kind, this.exit_kind_r);
    this.connect(this.exit_value, this.exit_value_r);
    this.connect(this.d_req_wdata, this.ex_fwd_b); // store data: rs2 after forwarding
    this.comb(
      {
        reads: [this.i_resp_valid, this.i_resp_data, this.d_resp_valid, this.d_resp_data, this.irq_msi, this.irq_mti, this.irq_mei,
          this.mtime_lo, this.mtime_hi, this.tohost_addr],
        writes: [this.i_req_valid, this.i_req_addr, this.d_req_valid, this.d_req_addr, this.d_req_write, this.d_req_size,
          this.id_valid, this.id_pc, this.id_insn, this.id_a, this.id_b, this.id_redirect, this.id_target, this.stall_load_use,
          this.stall_ex, this.stall_mem, this.flush, this.ex_target, this.ex_result, this.ex_fwd_a, this.ex_fwd_b, this.ex_trap,
          this.ex_cause, this.ex_tval, this.ex_csr_we, this.ex_csr_wdata, this.ex_exit, this.mem_value, this.fetch_want],
      },
      this.evaluate,
    );
    this.seq(this.update);
  }

  /** The combinational half of the pipeline. */
  private evaluate(): void {
    const rf = this.rf;
    const halt = this.halt_r.value;
    // ---------------- WB (bypass source) ----------------
    const wbRd = this.wb_valid.value === 1 ? this.wb_rd.value : 0;
    const wbData = this.wb_data.value;
    // ---------------- MEM ----------------
    const memValid = this.mem_valid.value;
    const memRd = memValid === 1 ? this.mem_rd.value : 0;
    let memValue = this.mem_res.value;
    let memWait = 0;
    const memInsn = memValid === 1 ? this.mem_insn.value : 0;
    if ((memInsn & 0x7f) === 0x03) {
      if (this.d_resp_valid.value === 1) {
        const raw = this.d_resp_data.value;
        const f3 = (memInsn >>> 12) & 7;
        if (f3 === 0) memValue = ((raw << 24) >> 24) >>> 0;
        else if (f3 === 1) memValue = ((raw << 16) >> 16) >>> 0;
        else memValue = raw;
      } else {
        memWait = 1;
      }
    }
    this.mem_value.value = memValue;
    this.stall_mem.value = memWait;

    // ---------------- EX ----------------
    const exValid = this.ex_valid.value;
    const w = this.ex_insn.value;
    const pc = this.ex_pc.value;
    const op = w & 0x7f;
    const f3 = (w >>> 12) & 7;
    const isEcall = w === 0x00000073 ? 1 : 0;
    const rs1 = isEcall === 1 ? 17 : (w >>> 15) & 31;
    const rs2 = isEcall === 1 ? 10 : (w >>> 20) & 31;
    let a = this.ex_a.value;
    let b = this.ex_b.value;
    if (rs1 !== 0) {
      if (memRd === rs1) a = memValue;
      else if (wbRd === rs1) a = wbData;
    }
    if (rs2 !== 0) {
      if (memRd === rs2) b = memValue;
      else if (wbRd === rs2) b = wbData;
    }
    this.ex_fwd_a.value = a;
    this.ex_fwd_b.value = b;
    let result = 0;
    let redirect = 0;
    let target = (pc + 4) >>> 0;
    let trap = 0;
    let cause = 0;
    let tval = 0;
    let exStall = 0;
    let dValid = 0;
    let dWrite = 0;
    let dAddr = 0;
    let csrWe = 0;
    let csrWdata = 0;
    let exit = 0;
    const pendingIrq = (this.irq_msi.value << 3) | (this.irq_mti.value << 7) | (this.irq_mei.value << 11);
    const enabledIrq = pendingIrq & this.csr_mie.value;
    if (exValid === 1 && halt === 0) {
      const exc = this.ex_exc.value;
      if (exc !== 0) {
        trap = 1;
        cause = exc - 1;
        tval = cause === 2 ? w : pc;
      } else if (this.st_mie.value === 1 && enabledIrq !== 0 && this.wfi_wait.value === 0 && this.dv_busy.value === 0 && this.dv_done.value === 0) {
        trap = 1;
        tval = 0;
        if ((enabledIrq & 0x800) !== 0) cause = 0x8000000b;
        else if ((enabledIrq & 0x8) !== 0) cause = 0x80000003;
        else cause = 0x80000007;
      } else {
        switch (op) {
          case 0x37: result = w & 0xfffff000; break;
          case 0x17: result = (pc + (w & 0xfffff000)) >>> 0; break;
          case 0x6f: {
            const t = (pc + (((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1))) >>> 0;
            result = (pc + 4) >>> 0;
            if ((t & 3) !== 0) {
              trap = 1;
              cause = 0;
              tval = t;
            } else if (this.ex_pred.value === 0) {
              redirect = 1;
              target = t;
            }
            break;
          }
          case 0x67: {
            const t = ((a + (w >> 20)) & ~1) >>> 0;
            result = (pc + 4) >>> 0;
            if ((t & 3) !== 0) {
              trap = 1;
              cause = 0;
              tval = t;
            } else {
              redirect = 1;
              target = t;
            }
            break;
          }
          case 0x63: {
            let taken = false;
            if (f3 === 0) taken = a === b;
            else if (f3 === 1) taken = a !== b;
            else if (f3 === 4) taken = (a | 0) < (b | 0);
            else if (f3 === 5) taken = (a | 0) >= (b | 0);
            else if (f3 === 6) taken = a < b;
            else taken = a >= b;
            const t = (pc + (((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1))) >>> 0;
            if (taken && (t & 3) !== 0) {
              trap = 1;
              cause = 0;
              tval = t;
            } else if (taken && this.ex_pred.value === 0) {
              redirect = 1;
              target = t;
            } else if (!taken && this.ex_pred.value === 1) {
              redirect = 1;
            }
            break;
          }
          case 0x03:
          case 0x23: {
            const isStore = op === 0x23 ? 1 : 0;
            const imm = isStore === 1 ? ((w >> 25) << 5) | ((w >>> 7) & 0x1f) : w >> 20;
            const addr = (a + imm) >>> 0;
            const size = 1 << (f3 & 3);
            const lsOff = (addr - this.lsBase) >>> 0;
            const ioOff = (addr - this.mmioBase) >>> 0;
            if (lsOff <= this.lsSize - size || (ioOff < this.mmioSize && size === 4 && (addr & 3) === 0)) {
              dValid = 1;
              dWrite = isStore;
              dAddr = addr;
              if (isStore === 1 && addr === this.tohost_addr.value && addr !== 0) exit = 1;
            } else {
              trap = 1;
              cause = isStore === 1 ? 7 : 5;
              tval = addr;
            }
            break;
          }
          case 0x13: {
            const imm = w >> 20;
            const sh = imm & 31;
            if (f3 === 0) result = (a + imm) >>> 0;
            else if (f3 === 2) result = (a | 0) < imm ? 1 : 0;
            else if (f3 === 3) result = a < imm >>> 0 ? 1 : 0;
            else if (f3 === 4) result = (a ^ imm) >>> 0;
            else if (f3 === 6) result = (a | imm) >>> 0;
            else if (f3 === 7) result = (a & imm) >>> 0;
            else if (f3 === 1) result = (a << sh) >>> 0;
            else if ((w >>> 30) === 1) result = (a >> sh) >>> 0;
            else result = a >>> sh;
            break;
          }
          case 0x33: {
            if ((w >>> 25) === 1) {
              if (f3 === 0) result = Math.imul(a, b) >>> 0;
              else if (f3 === 3) result = this.mulhu(a, b);
              else if (f3 === 1) result = (this.mulhu(a, b) - ((a | 0) < 0 ? b : 0) - ((b | 0) < 0 ? a : 0)) >>> 0;
              else if (f3 === 2) result = (this.mulhu(a, b) - ((a | 0) < 0 ? b : 0)) >>> 0;
              else if (this.dv_done.value === 1) {
                // the iterative divider finished: signs applied to quotient / remainder
                const q = this.dv_q.value;
                const r = this.dv_r.value;
                if (f3 === 4 || f3 === 5) result = this.dv_negq.value === 1 ? (0 - q) >>> 0 : q;
                else result = this.dv_negr.value === 1 ? (0 - r) >>> 0 : r;
              } else if (b === 0) {
                result = f3 >= 6 ? a : 0xffffffff; // division by zero: one cycle
              } else if (f3 === 4 && a === 0x80000000 && b === 0xffffffff) {
                result = 0x80000000; // overflow: one cycle
              } else if (f3 === 6 && a === 0x80000000 && b === 0xffffffff) {
                result = 0;
              } else {
                exStall = 1; // divider busy (started by `update`)
              }
            } else {
              const sh = b & 31;
              if (f3 === 0) result = (w >>> 30) === 1 ? (a - b) >>> 0 : (a + b) >>> 0;
              else if (f3 === 1) result = (a << sh) >>> 0;
              else if (f3 === 2) result = (a | 0) < (b | 0) ? 1 : 0;
              else if (f3 === 3) result = a < b ? 1 : 0;
              else if (f3 === 4) result = (a ^ b) >>> 0;
              else if (f3 === 5) result = (w >>> 30) === 1 ? (a >> sh) >>> 0 : a >>> sh;
              else if (f3 === 6) result = (a | b) >>> 0;
              else result = (a & b) >>> 0;
            }
            break;
          }
          case 0x0f:
            if (f3 === 1) redirect = 1; // fence.i: refetch what follows
            break;
          case 0x73: {
            if (f3 === 0) {
              if (isEcall === 1) {
                if (this.csr_mtvec.value === 0 && a === 93) {
                  exit = 2;
                } else {
                  trap = 1;
                  cause = 11;
                  tval = 0;
                }
              } else if (w === 0x00100073) {
                trap = 1;
                cause = 3;
                tval = pc;
              } else if (w === 0x30200073) {
                redirect = 1;
                target = this.csr_mepc.value;
              } else if (pendingIrq & this.csr_mie.value) {
                exStall = 0; // wfi completes when an enabled interrupt is pending
              } else {
                exStall = 1;
              }
            } else {
              const csr = w >>> 20;
              const old = this.csrs.read(csr);
              const src = f3 >= 5 ? (w >>> 15) & 31 : a;
              const kind = f3 & 3;
              const writes = kind === 1 || ((w >>> 15) & 31) !== 0;
              if (old === -1 || (writes && csr >>> 10 === 3)) {
                trap = 1;
                cause = 2;
                tval = w;
              } else {
                result = old >>> 0;
                if (writes) {
                  csrWe = 1;
                  csrWdata = kind === 1 ? src : kind === 2 ? (old | src) >>> 0 : (old & ~src) >>> 0;
                }
              }
            }
            break;
          }
          default:
            break;
        }
      }
      if (trap === 1) {
        redirect = 1;
        dValid = 0;
        exit = 0;
        target = this.csrs.trapVector(cause);
      }
    }
    this.ex_trap.value = trap;
    this.ex_cause.value = cause;
    this.ex_tval.value = tval;
    this.ex_result.value = result;
    this.ex_target.value = target;
    this.ex_csr_we.value = csrWe;
    this.ex_csr_wdata.value = csrWdata;
    this.ex_exit.value = exit;
    this.stall_ex.value = exStall;
    // EX proceeds this cycle unless MEM or EX itself waits (the data port's ready is handled in `update`).
    const exGo = exValid === 1 && memWait === 0 && exStall === 0 ? 1 : 0;
    const flush = exGo === 1 && (redirect === 1 || exit !== 0) ? 1 : 0;
    this.flush.value = flush;
    this.d_req_valid.value = exGo === 1 ? dValid : 0;
    this.d_req_addr.value = dAddr;
    this.d_req_write.value = dWrite;
    this.d_req_size.value = f3 & 3;

    // ---------------- ID ----------------
    let idValid = 0;
    let idPc = 0;
    let idInsn = 0;
    let idErr = 0;
    const fOut = this.f_out.value;
    const fErr = this.f_err.value;
    const iRespValid = this.i_resp_valid.value;
    if (this.s_valid.value === 1) {
      idValid = 1;
      idPc = this.s_pc.value;
      idInsn = this.s_insn.value;
      idErr = this.s_err.value;
    } else if (fOut === 1 && this.f_kill.value === 0 && (fErr === 1 || iRespValid === 1)) {
      idValid = 1;
      idPc = this.f_pc.value;
      idErr = fErr;
      idInsn = idErr === 1 ? 0 : this.i_resp_data.value;
    }
    if (halt === 1) idValid = 0;
    const dIsEcall = idInsn === 0x00000073 ? 1 : 0;
    const dRs1 = dIsEcall === 1 ? 17 : (idInsn >>> 15) & 31;
    const dRs2 = dIsEcall === 1 ? 10 : (idInsn >>> 20) & 31;
    const idA = dRs1 !== 0 && wbRd === dRs1 ? wbData : rf.get(dRs1);
    const idB = dRs2 !== 0 && wbRd === dRs2 ? wbData : rf.get(dRs2);
    const dOp = idInsn & 0x7f;
    // load-use: a load in EX writes a register this instruction reads
    let loadUse = 0;
    if (idValid === 1 && exValid === 1 && (w & 0x7f) === 0x03) {
      const exRd = (w >>> 7) & 31;
      const usesRs2 = dOp === 0x33 || dOp === 0x23 || dOp === 0x63 || dIsEcall === 1;
      const usesRs1 = dOp !== 0x37 && dOp !== 0x17 && dOp !== 0x6f && !(dOp === 0x73 && ((idInsn >>> 12) & 7) >= 5);
      if (exRd !== 0 && ((usesRs1 && exRd === dRs1) || (usesRs2 && exRd === dRs2))) loadUse = 1;
    }
    const idStall = memWait === 1 || exStall === 1 || loadUse === 1 ? 1 : 0;
    // static prediction in ID: jal taken, backward branches taken, forward branches not taken
    let idRedirect = 0;
    let idTarget = 0;
    if (idValid === 1 && idErr === 0 && idStall === 0 && flush === 0) {
      if (dOp === 0x6f) {
        idTarget = (idPc + (((idInsn >> 31) << 20) | (((idInsn >>> 12) & 0xff) << 12) | (((idInsn >>> 20) & 1) << 11) | (((idInsn >>> 21) & 0x3ff) << 1))) >>> 0;
        idRedirect = 1;
      } else if (dOp === 0x63 && (idInsn >>> 31) === 1 && ((idInsn >>> 12) & 7) !== 2 && ((idInsn >>> 12) & 7) !== 3) {
        idTarget = (idPc + (((idInsn >> 31) << 12) | (((idInsn >>> 7) & 1) << 11) | (((idInsn >>> 25) & 0x3f) << 5) | (((idInsn >>> 8) & 0xf) << 1))) >>> 0;
        idRedirect = 1;
      }
      if ((idTarget & 3) !== 0) idRedirect = 0;
    }
    this.id_valid.value = idValid;
    this.id_pc.value = idPc;
    this.id_insn.value = idInsn;
    this.id_a.value = idA;
    this.id_b.value = idB;
    this.id_redirect.value = idRedirect;
    this.id_target.value = idTarget;
    this.stall_load_use.value = loadUse;

    // ---------------- IF ----------------
    // One fetch outstanding at most; a new one may go out in the cycle the previous returns.
    // Not while ID holds an instruction it cannot pass on (it would have nowhere to go).
    const outstandingBusy = fOut === 1 && fErr === 0 && iRespValid === 0 ? 1 : 0;
    const idHolds = idValid === 1 && idStall === 1 && flush === 0 ? 1 : 0;
    const fetchAddr = flush === 1 ? target : idRedirect === 1 ? idTarget : this.if_pc.value;
    const inLs = ((fetchAddr - this.lsBase) >>> 0) <= this.lsSize - 4 ? 1 : 0;
    const want = halt === 0 && (exGo === 0 || exit === 0) && outstandingBusy === 0 && idHolds === 0 ? 1 : 0;
    this.fetch_want.value = want;
    this.i_req_valid.value = want === 1 && inLs === 1 ? 1 : 0;
    this.i_req_addr.value = fetchAddr;
  }

  /** The clocked half: pipeline registers, register file, CSRs. */
  private update(): void {
    const st = this.stats;
    // (registers take their init values at a reset edge whatever is assigned below)
    // Each signal is read once, into a local: V8 does not merge repeated typed-array reads.
    const halt = this.halt_r.value;
    const memWait = this.stall_mem.value;
    const stallEx = this.stall_ex.value;
    const dLate = this.d_req_valid.value === 1 && this.d_req_ready.value === 0 ? 1 : 0;
    const exStall = stallEx === 1 || dLate === 1 ? 1 : 0;
    const exValid = this.ex_valid.value;
    const exGo = exValid === 1 && memWait === 0 && exStall === 0 ? 1 : 0;
    const loadUse = this.stall_load_use.value;
    const idStall = memWait === 1 || exStall === 1 || loadUse === 1 ? 1 : 0;
    const trap = exGo === 1 ? this.ex_trap.value : 0;
    const exit = exGo === 1 ? this.ex_exit.value : 0;
    const flush = exGo === 1 ? this.flush.value : 0;
    const w = this.ex_insn.value;
    const memValid = this.mem_valid.value;
    const wbValid = this.wb_valid.value;
    const idValid = this.id_valid.value;
    const idRedirect = this.id_redirect.value;
    const sValid = this.s_valid.value;
    const fOut = this.f_out.value;
    const fErr = this.f_err.value;

    // ---- statistics ----
    if (halt === 0 || memValid === 1 || wbValid === 1) {
      st.cycles++;
      if (wbValid === 1) st.retired++;
      if (memWait === 1) st.stallMemory++;
      else if (stallEx === 1) {
        if ((w & 0x7f) === 0x33) st.stallDivide++;
        else st.stallWfi++;
      } else if (loadUse === 1) st.stallLoadUse++;
      else if (idValid === 0 && halt === 0) st.stallFetch++;
      if (flush === 1 && trap === 0) st.flushBranch++;
      if (idRedirect === 1 && flush === 0 && idStall === 0) st.flushPredict++;
      if (trap === 1) st.traps++;
    }

    // ---- WB: register file write, then the commit record moves on ----
    if (wbValid === 1) {
      const wbRd = this.wb_rd.value;
      if (wbRd !== 0) this.rf.set(wbRd, this.wb_data.value);
    }
    if (memWait === 0 && memValid === 1) {
      this.wb_valid.next = 1;
      this.wb_pc.next = this.mem_pc.value;
      this.wb_insn.next = this.mem_insn.value;
      this.wb_rd.next = this.mem_rd.value;
      this.wb_data.next = this.mem_value.value;
    } else {
      this.wb_valid.next = 0;
    }

    // ---- MEM <- EX ----
    if (exGo === 1 && trap === 0) {
      const op = w & 0x7f;
      const writesRd = op !== 0x23 && op !== 0x63 && op !== 0x0f && !(op === 0x73 && ((w >>> 12) & 7) === 0);
      this.mem_valid.next = 1;
      this.mem_pc.next = this.ex_pc.value;
      this.mem_insn.next = w;
      this.mem_rd.next = writesRd ? (w >>> 7) & 31 : 0;
      this.mem_res.next = this.ex_result.value;
    } else if (memWait === 0) {
      this.mem_valid.next = 0;
    }

    this.wfi_wait.next = exGo === 0 && stallEx === 1 && w === 0x10500073 ? 1 : 0;

    // ---- iterative divider (radix 2, one quotient bit per cycle) ----
    if (exGo === 1) {
      this.dv_done.next = 0;
    } else if (this.dv_busy.value === 1) {
      const cnt = this.dv_cnt.value;
      const q = this.dv_q.value;
      const d = this.dv_d.value;
      let r = this.dv_r.value * 2 + (q >>> 31);
      let nq = (q << 1) >>> 0;
      if (r >= d) {
        r = r - d;
        nq = (nq | 1) >>> 0;
      }
      this.dv_r.next = r;
      this.dv_q.next = nq;
      this.dv_cnt.next = cnt - 1;
      if (cnt === 1) {
        this.dv_busy.next = 0;
        this.dv_done.next = 1;
      }
    } else if (stallEx === 1 && exValid === 1 && (w & 0x7f) === 0x33 && memWait === 0 && this.dv_done.value === 0) {
      const f3 = (w >>> 12) & 7;
      const a = this.ex_fwd_a.value;
      const b = this.ex_fwd_b.value;
      const signed = f3 === 4 || f3 === 6;
      const negA = signed && (a | 0) < 0;
      const negB = signed && (b | 0) < 0;
      this.dv_q.next = negA ? (0 - a) >>> 0 : a;
      this.dv_d.next = negB ? (0 - b) >>> 0 : b;
      this.dv_r.next = 0;
      this.dv_cnt.next = 32;
      this.dv_busy.next = 1;
      this.dv_negq.next = negA !== negB ? 1 : 0;
      this.dv_negr.next = negA ? 1 : 0;
    }

    // ---- CSRs and counters ----
    let wrote = 0; // CsrFile.write: bit 0 mcycle(h) written, bit 1 minstret(h): no increment then
    if (trap === 1) {
      this.csrs.enterTrap(this.ex_pc.value, this.ex_cause.value, this.ex_tval.value);
    } else if (exGo === 1) {
      if (w === 0x30200073) {
        this.csrs.mret();
      } else if (this.ex_csr_we.value === 1) {
        wrote = this.csrs.write(w >>> 20, this.ex_csr_wdata.value);
      }
    }
    if ((wrote & 1) === 0) {
      const lo = this.mcycle_lo.value;
      this.mcycle_lo.next = lo + 1;
      if (lo === 0xffffffff) this.mcycle_hi.next = this.mcycle_hi.value + 1;
    }
    if (exGo === 1 && trap === 0 && (wrote & 2) === 0) {
      const lo = this.minstret_lo.value;
      this.minstret_lo.next = lo + 1;
      if (lo === 0xffffffff) this.minstret_hi.next = this.minstret_hi.value + 1;
    }
    if (exit !== 0) {
      this.halt_r.next = 1;
      this.exit_kind_r.next = exit;
      const size = (w >>> 12) & 3;
      const v = this.ex_fwd_b.value;
      this.exit_value_r.next = exit === 1 && size === 0 ? v & 0xff : exit === 1 && size === 1 ? v & 0xffff : v;
    }

    // ---- EX <- ID ----
    if (exStall === 1 || memWait === 1) {
      // EX holds: keep its operands current (the producers it forwards from move on)
      this.ex_a.next = this.ex_fwd_a.value;
      this.ex_b.next = this.ex_fwd_b.value;
    } else if (flush === 1 || exit !== 0 || loadUse === 1 || idValid === 0) {
      this.ex_valid.next = 0;
    } else {
      const insn = this.id_insn.value;
      this.ex_valid.next = 1;
      this.ex_pc.next = this.id_pc.value;
      this.ex_insn.next = insn;
      this.ex_a.next = this.id_a.value;
      this.ex_b.next = this.id_b.value;
      this.ex_pred.next = idRedirect;
      if (sValid === 1 ? this.s_err.value === 1 : fErr === 1) this.ex_exc.next = 2;
      else if (!this.isLegal(insn)) this.ex_exc.next = 3;
      else this.ex_exc.next = 0;
    }

    // ---- ID skid ----
    if (flush === 1 || exit !== 0) {
      this.s_valid.next = 0;
    } else if (idValid === 1 && idStall === 1) {
      this.s_valid.next = 1;
      this.s_pc.next = this.id_pc.value;
      this.s_insn.next = this.id_insn.value;
      this.s_err.next = sValid === 1 ? this.s_err.value : fErr;
    } else {
      this.s_valid.next = 0;
    }

    // ---- IF ----
    const arriving = fOut === 1 && (fErr === 1 || this.i_resp_valid.value === 1);
    const addr = this.i_req_addr.value;
    const redirect = flush === 1 || (idRedirect === 1 && idStall === 0);
    // `want` mirrors i_req_valid's conditions except the PMA check: a fetch outside the local
    // store is "issued" with an error and raises an access fault when it reaches ID.
    const want = this.fetch_want.value === 1 && dLate === 0;
    // (when fetch_want is 1, evaluate drove i_req_valid = the address is in the local store)
    const inLs = this.i_req_valid.value === 1;
    if (want && (!inLs || this.i_req_ready.value === 1)) {
      this.f_out.next = 1;
      this.f_pc.next = addr;
      this.f_kill.next = 0;
      this.f_err.next = inLs ? 0 : 1;
      this.if_pc.next = addr + 4;
    } else {
      if (arriving) {
        this.f_out.next = 0;
        this.f_kill.next = 0;
      } else if (redirect && fOut === 1) {
        this.f_kill.next = 1;
      }
      if (redirect) this.if_pc.next = addr;
    }
  }
}
