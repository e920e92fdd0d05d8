/**
 * Seeded random RV32IM + Zicsr programs for differential testing of the pipeline against the
 * golden model: ALU and M operations on edge values (division by zero, overflow), loads and
 * stores (aligned and misaligned) to a data window, forward branches, counted loops, jal /
 * jalr, CSR reads and writes, traps (ecall, ebreak, illegal instructions, unknown CSRs, access
 * faults, misaligned jumps) and software / external interrupts raised through the MMIO window.
 *
 * Register use: x8 (s0) = data window base, x20 = loop counter, x28..x31 = trap handler.
 * The program ends with a store of 1 to `tohost`.
 */
import { Rng } from "../../verif/random/rng.ts";

const FREE = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27];
const SPECIAL = [0, 1, -1, 0x7fffffff, -0x80000000, 2, -2, 0x80, 0xff, 0xffff, 0x8000];
const RR = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"];
const RI = ["addi", "slti", "sltiu", "xori", "ori", "andi"];
const SH = ["slli", "srli", "srai"];
const LOADS = ["lb", "lh", "lw", "lbu", "lhu"];
const STORES = ["sb", "sh", "sw"];
const BRANCHES = ["beq", "bne", "blt", "bge", "bltu", "bgeu"];
const CSR_RW = ["mscratch", "mtval", "mepc", "mcause"];
const CSR_RO = ["misa", "mhartid", "mvendorid", "marchid", "mimpid", "minstret", "instret", "minstreth", "mstatus", "mie", "mtvec"];

export interface RandomProgramOptions {
  /** Approximate number of body items (default 60). */
  length?: number;
  /** Include traps and interrupts (default true). */
  traps?: boolean;
  /**
   * Linux user-mode program for qemu-riscv32: no CSRs, traps or MMIO; at the end x1..x27 are
   * stored to `regdump` (label `dump_done` after that), written to stdout and the program exits.
   */
  user?: boolean;
}

export function randomProgram(seed: number, options: RandomProgramOptions = {}): string {
  const rng = new Rng(seed, 0x9e37);
  const length = options.length ?? 60;
  const user = options.user ?? false;
  const traps = (options.traps ?? true) && !user;
  const out: string[] = [];
  let label = 0;
  const reg = (): string => `x${rng.pick(FREE)}`;
  const src = (): string => (rng.bool(0.08) ? "x0" : reg());
  const imm12 = (): number => (rng.bool(0.3) ? rng.pick([0, 1, -1, 2047, -2048]) : rng.int(-2048, 2047));
  const emit = (s: string): void => {
    out.push(`  ${s}`);
  };

  out.push("  .text", "  .globl _start", "_start:");
  if (!user) out.push("  la x28, trap_handler", "  csrw mtvec, x28");
  out.push("  la x8, data + 256");
  for (const r of FREE) emit(`li x${r}, ${rng.bool(0.5) ? rng.pick(SPECIAL) : rng.int(-0x80000000, 0x7fffffff)}`);

  const simple = (inLoop: boolean): void => {
    const k = rng.weighted({ rr: 6, ri: 4, sh: 2, lui: 1, load: 4, store: 3, csr: user ? 0 : 2, trap: traps && !inLoop ? 1 : 0, li: 1 });
    switch (k) {
      case "rr": emit(`${rng.pick(RR)} ${reg()}, ${src()}, ${src()}`); break;
      case "ri": emit(`${rng.pick(RI)} ${reg()}, ${src()}, ${imm12()}`); break;
      case "sh": emit(`${rng.pick(SH)} ${reg()}, ${src()}, ${rng.int(0, 31)}`); break;
      case "lui": emit(`${rng.bool() ? "lui" : "auipc"} ${reg()}, ${rng.int(0, 0xfffff)}`); break;
      case "li": emit(`li ${reg()}, ${rng.pick(SPECIAL)}`); break;
      case "load": emit(`${rng.pick(LOADS)} ${reg()}, ${rng.int(-200, 200)}(x8)`); break;
      case "store": emit(`${rng.pick(STORES)} ${src()}, ${rng.int(-200, 200)}(x8)`); break;
      case "csr": {
        const c = rng.int(0, 3);
        if (c === 0) emit(`csrr ${reg()}, ${rng.pick(CSR_RO)}`);
        else if (c === 1) emit(`${rng.pick(["csrrw", "csrrs", "csrrc"])} ${reg()}, ${rng.pick(CSR_RW)}, ${src()}`);
        else if (c === 2) emit(`${rng.pick(["csrrwi", "csrrsi", "csrrci"])} ${reg()}, ${rng.pick(CSR_RW)}, ${rng.int(0, 31)}`);
        else emit(`csrrs ${reg()}, ${rng.pick(CSR_RO)}, x0`);
        break;
      }
      default: { // traps
        const t = rng.int(0, 9);
        if (t === 0) emit("ecall");
        else if (t === 1) emit("ebreak");
        else if (t === 2) emit(".word 0xffffffff");
        else if (t === 3) emit(`csrr ${reg()}, 0x7c0`);
        else if (t === 4) emit(`csrw mhartid, ${src()}`);
        else if (t === 5) emit(`lw ${reg()}, 16(x0)`);
        else if (t === 6) emit(`sw ${src()}, 0x10(x0)`);
        else if (t === 7) {
          const l = label++;
          emit(`la x31, 1f + 2`);
          emit(`jalr x0, 0(x31)`);
          out.push(`1:`);
          void l;
        } else if (t === 8) {
          // software interrupt through the PE registers (handler clears it)
          emit("li x31, 0x02000000");
          emit("li x30, 8");
          emit("csrs mie, x30");
          emit("csrsi mstatus, 8");
          emit("li x30, 1");
          emit("sw x30, 0(x31)");
          emit(`${rng.pick(RR)} ${reg()}, ${src()}, ${src()}`);
          emit("csrci mstatus, 8");
        } else {
          emit("li x31, 0x02000000");
          emit("li x30, 0x800");
          emit("csrs mie, x30");
          emit("csrsi mstatus, 8");
          emit("li x30, 1");
          emit("sw x30, 0x400(x31)");
          emit(`addi ${reg()}, ${src()}, 1`);
          emit("csrci mstatus, 8");
        }
      }
    }
  };

  for (let i = 0; i < length; i++) {
    const k = rng.weighted({ simple: 10, branch: 2, loop: 1, jal: 1, jalr: 1 });
    if (k === "simple") simple(false);
    else if (k === "branch") {
      const l = `f${label++}`;
      emit(`${rng.pick(BRANCHES)} ${src()}, ${src()}, ${l}`);
      for (let j = rng.int(0, 3); j > 0; j--) simple(false);
      out.push(`${l}:`);
    } else if (k === "loop") {
      const l = `l${label++}`;
      emit(`li x20, ${rng.int(1, 6)}`);
      out.push(`${l}:`);
      for (let j = rng.int(1, 5); j > 0; j--) simple(true);
      if (rng.bool(0.3)) {
        const f = `f${label++}`;
        emit(`${rng.pick(BRANCHES)} ${src()}, ${src()}, ${f}`);
        simple(true);
        out.push(`${f}:`);
      }
      emit("addi x20, x20, -1");
      emit(`bnez x20, ${l}`);
    } else if (k === "jal") {
      const l = `f${label++}`;
      emit(`jal ${rng.bool() ? reg() : "x0"}, ${l}`);
      simple(false);
      out.push(`${l}:`);
    } else {
      const l = `f${label++}`;
      emit(`la x29, ${l}`);
      emit(`jalr ${reg()}, 0(x29)`);
      simple(false);
      out.push(`${l}:`);
    }
  }
  if (user) {
    out.push("  la x31, regdump");
    for (let r = 1; r <= 27; r++) out.push(`  sw x${r}, ${4 * (r - 1)}(x31)`);
    out.push("dump_done:", "  li a0, 1", "  mv a1, x31", "  li a2, 108", "  li a7, 64", "  ecall", "  li a0, 0", "  li a7, 93", "  ecall");
    out.push("  .data", "  .align 4", "data:");
    for (let i = 0; i < 128; i++) out.push(`  .word 0x${rng.bits(32).toString(16)}`);
    out.push("regdump: .space 108");
    return out.join("\n") + "\n";
  }
  out.push(
    "  li x30, 1",
    "  la x31, tohost",
    "  sw x30, 0(x31)",
    "1: j 1b",
    "trap_handler:",
    "  csrr x28, mcause",
    "  csrr x29, mepc",
    "  csrr x30, mtval",
    "  bltz x28, 2f",
    "  addi x29, x29, 4",
    "  csrw mepc, x29",
    "  mret",
    "2:",
    "  li x31, 0x02000000",
    "  sw x0, 0(x31)",
    "  sw x0, 0x400(x31)",
    "  mret",
    "  .data",
    "  .align 4",
    "data:",
  );
  const words: string[] = [];
  for (let i = 0; i < 128; i++) words.push(`0x${rng.bits(32).toString(16)}`);
  for (let i = 0; i < 128; i += 8) out.push(`  .word ${words.slice(i, i + 8).join(", ")}`);
  out.push("  .align 6", "  .globl tohost", "tohost: .word 0, 0");
  return out.join("\n") + "\n";
}
