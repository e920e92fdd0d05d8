/**
 * RV32I base instructions and their single-instruction aliases. Order matters for the
 * disassembler: for a given word the first matching entry wins (aliases first, as objdump).
 */
import { insn, iType, rType, MASK_I, MASK_IMM12, MASK_R, MASK_RD, MASK_RS1, MASK_RS2, MASK_OPCODE, type InsnSpec } from "./types.ts";

const OP = 0x33, OPIMM = 0x13, LOAD = 0x03, STORE = 0x23, BRANCH = 0x63, JALR = 0x67, JAL = 0x6f;
const ADDI = iType(OPIMM, 0), JALR_M = iType(JALR, 0);
const RA = 1;

function branch(name: string, f3: number): InsnSpec {
  return insn(name, "rs1,rs2,btarget", iType(BRANCH, f3), MASK_I, "i");
}
function load(name: string, f3: number): InsnSpec {
  return insn(name, "rd,mem", iType(LOAD, f3), MASK_I, "i");
}
function store(name: string, f3: number): InsnSpec {
  return insn(name, "rs2,smem", iType(STORE, f3), MASK_I, "i");
}
function alu(name: string, f3: number, f7: number): InsnSpec {
  return insn(name, "rd,rs1,rs2", rType(OP, f3, f7), MASK_R, "i");
}
function aluImm(name: string, f3: number): InsnSpec {
  return insn(name, "rd,rs1,i12", iType(OPIMM, f3), MASK_I, "i");
}
function shiftImm(name: string, f3: number, f7: number): InsnSpec {
  return insn(name, "rd,rs1,shamt", rType(OPIMM, f3, f7), MASK_R, "i");
}

export const rv32i: readonly InsnSpec[] = [
  insn("unimp", "", 0xc0001073, 0xffffffff, "i"), // csrrw x0, cycle, x0
  insn("ebreak", "", 0x00100073, 0xffffffff, "i"),
  insn("sbreak", "", 0x00100073, 0xffffffff, "i", "asm-only"),
  insn("ecall", "", 0x00000073, 0xffffffff, "i"),
  insn("scall", "", 0x00000073, 0xffffffff, "i", "asm-only"),
  insn("ret", "", JALR_M | (RA << 15), MASK_I | MASK_RD | MASK_RS1 | MASK_IMM12, "i", "alias"),
  insn("jr", "rs1", JALR_M, MASK_I | MASK_RD | MASK_IMM12, "i", "alias"),
  insn("jr", "mem", JALR_M, MASK_I | MASK_RD, "i", "alias"),
  insn("jalr", "rs1", JALR_M | (RA << 7), MASK_I | MASK_RD | MASK_IMM12, "i", "alias"),
  insn("jalr", "mem", JALR_M | (RA << 7), MASK_I | MASK_RD, "i", "alias"),
  insn("jalr", "rd,rs1", JALR_M, MASK_I | MASK_IMM12, "i", "alias"),
  insn("jalr", "rd,mem", JALR_M, MASK_I, "i"),
  insn("jalr", "rd,rs1,i12", JALR_M, MASK_I, "i", "asm-only"),
  insn("j", "jtarget", JAL, MASK_OPCODE | MASK_RD, "i", "alias"),
  insn("jal", "jtarget", JAL | (RA << 7), MASK_OPCODE | MASK_RD, "i", "alias"),
  insn("jal", "rd,jtarget", JAL, MASK_OPCODE, "i"),
  insn("lui", "rd,u20", 0x37, MASK_OPCODE, "i"),
  insn("auipc", "rd,u20", 0x17, MASK_OPCODE, "i"),
  insn("nop", "", ADDI, 0xffffffff, "i", "alias"),
  insn("li", "rd,i12", ADDI, MASK_I | MASK_RS1, "i", "alias"),
  insn("mv", "rd,rs1", ADDI, MASK_I | MASK_IMM12, "i", "alias"),
  insn("move", "rd,rs1", ADDI, MASK_I | MASK_IMM12, "i", "asm-only"),
  insn("and", "rd,rs1,i12", iType(OPIMM, 7), MASK_I, "i", "alias"),
  aluImm("andi", 7),
  alu("and", 7, 0),
  insn("beqz", "rs1,btarget", iType(BRANCH, 0), MASK_I | MASK_RS2, "i", "alias"),
  branch("beq", 0),
  insn("blez", "rs2,btarget", iType(BRANCH, 5), MASK_I | MASK_RS1, "i", "alias"),
  insn("bgez", "rs1,btarget", iType(BRANCH, 5), MASK_I | MASK_RS2, "i", "alias"),
  branch("bge", 5),
  branch("bgeu", 7),
  insn("ble", "rs2,rs1,btarget", iType(BRANCH, 5), MASK_I, "i", "alias"),
  insn("bleu", "rs2,rs1,btarget", iType(BRANCH, 7), MASK_I, "i", "alias"),
  insn("bltz", "rs1,btarget", iType(BRANCH, 4), MASK_I | MASK_RS2, "i", "alias"),
  insn("bgtz", "rs2,btarget", iType(BRANCH, 4), MASK_I | MASK_RS1, "i", "alias"),
  branch("blt", 4),
  branch("bltu", 6),
  insn("bgt", "rs2,rs1,btarget", iType(BRANCH, 4), MASK_I, "i", "alias"),
  insn("bgtu", "rs2,rs1,btarget", iType(BRANCH, 6), MASK_I, "i", "alias"),
  insn("bnez", "rs1,btarget", iType(BRANCH, 1), MASK_I | MASK_RS2, "i", "alias"),
  branch("bne", 1),
  insn("add", "rd,rs1,i12", ADDI, MASK_I, "i", "alias"),
  aluImm("addi", 0),
  alu("add", 0, 0),
  insn("sll", "rd,rs1,shamt", rType(OPIMM, 1, 0), MASK_R, "i", "alias"),
  shiftImm("slli", 1, 0),
  alu("sll", 1, 0),
  insn("srl", "rd,rs1,shamt", rType(OPIMM, 5, 0), MASK_R, "i", "alias"),
  shiftImm("srli", 5, 0),
  alu("srl", 5, 0),
  insn("sra", "rd,rs1,shamt", rType(OPIMM, 5, 0x20), MASK_R, "i", "alias"),
  shiftImm("srai", 5, 0x20),
  alu("sra", 5, 0x20),
  insn("neg", "rd,rs2", rType(OP, 0, 0x20), MASK_R | MASK_RS1, "i", "alias"),
  alu("sub", 0, 0x20),
  load("lb", 0),
  load("lbu", 4),
  load("lh", 1),
  load("lhu", 5),
  load("lw", 2),
  insn("not", "rd,rs1", iType(OPIMM, 4) | (0xfff << 20), MASK_I | MASK_IMM12, "i", "alias"),
  insn("or", "rd,rs1,i12", iType(OPIMM, 6), MASK_I, "i", "alias"),
  aluImm("ori", 6),
  alu("or", 6, 0),
  store("sb", 0),
  store("sh", 1),
  store("sw", 2),
  insn("seqz", "rd,rs1", iType(OPIMM, 3) | (1 << 20), MASK_I | MASK_IMM12, "i", "alias"),
  insn("snez", "rd,rs2", rType(OP, 3, 0), MASK_R | MASK_RS1, "i", "alias"),
  insn("sltz", "rd,rs1", rType(OP, 2, 0), MASK_R | MASK_RS2, "i", "alias"),
  insn("sgtz", "rd,rs2", rType(OP, 2, 0), MASK_R | MASK_RS1, "i", "alias"),
  aluImm("slti", 2),
  alu("slt", 2, 0),
  insn("slt", "rd,rs1,i12", iType(OPIMM, 2), MASK_I, "i", "alias"),
  aluImm("sltiu", 3),
  alu("sltu", 3, 0),
  insn("sltu", "rd,rs1,i12", iType(OPIMM, 3), MASK_I, "i", "alias"),
  insn("sgt", "rd,rs2,rs1", rType(OP, 2, 0), MASK_R, "i", "alias"),
  insn("sgtu", "rd,rs2,rs1", rType(OP, 3, 0), MASK_R, "i", "alias"),
  insn("xor", "rd,rs1,i12", iType(OPIMM, 4), MASK_I, "i", "alias"),
  aluImm("xori", 4),
  alu("xor", 4, 0),
  insn("fence", "", 0x0ff0000f, 0xffffffff, "i", "alias"),
  insn("fence.tso", "", 0x8330000f, 0xfff0707f, "i"),
  insn("fence", "pred,succ", iType(0x0f, 0), MASK_I | MASK_RD | MASK_RS1 | (0xf << 28), "i"),
  insn("mret", "", 0x30200073, 0xffffffff, "i"),
  insn("sret", "", 0x10200073, 0xffffffff, "i"),
  insn("uret", "", 0x00200073, 0xffffffff, "i"),
  insn("dret", "", 0x7b200073, 0xffffffff, "i"),
  insn("wfi", "", 0x10500073, 0xffffffff, "i"),
  insn("sfence.vma", "", 0x12000073, 0xffffffff, "i", "alias"),
  insn("sfence.vma", "rs1", 0x12000073, 0xfff07fff, "i", "alias"),
  insn("sfence.vma", "rs1,rs2", 0x12000073, 0xfe007fff, "i"),
];

