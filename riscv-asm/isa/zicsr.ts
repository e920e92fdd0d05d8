/** Zicsr: CSR access instructions and their aliases (csrr, csrw, rdcycle, ...). */
import { insn, iType, MASK_I, MASK_RD, MASK_RS1, MASK_IMM12, type InsnSpec } from "./types.ts";

const SYS = 0x73;
const CSRRW = iType(SYS, 1), CSRRS = iType(SYS, 2), CSRRC = iType(SYS, 3);
const CSRRWI = iType(SYS, 5), CSRRSI = iType(SYS, 6), CSRRCI = iType(SYS, 7);

/** `rdcycle rd` and friends: csrrs rd, <csr>, x0. */
function counter(name: string, csr: number): InsnSpec {
  return insn(name, "rd", CSRRS | (csr << 20), MASK_I | MASK_RS1 | MASK_IMM12, "zicsr", "alias");
}

/** A floating-point CSR alias (frcsr, fscsr, frrm, ...): GNU prints these for fcsr/frm/fflags. */
function fcsr(read: string, write: string, writeImm: string | null, csr: number): InsnSpec[] {
  const c = csr << 20;
  const out = [
    insn(read, "rd", CSRRS | c, MASK_I | MASK_RS1 | MASK_IMM12, "zicsr", "alias"),
    insn(write, "rs1", CSRRW | c, MASK_I | MASK_RD | MASK_IMM12, "zicsr", "alias"),
    insn(write, "rd,rs1", CSRRW | c, MASK_I | MASK_IMM12, "zicsr", "alias"),
  ];
  if (writeImm !== null) {
    out.push(insn(writeImm, "rd,zimm5", CSRRWI | c, MASK_I | MASK_IMM12, "zicsr", "alias"));
    out.push(insn(writeImm, "zimm5", CSRRWI | c, MASK_I | MASK_RD | MASK_IMM12, "zicsr", "alias"));
  }
  return out;
}

export const zicsr: readonly InsnSpec[] = [
  counter("rdcycle", 0xc00),
  counter("rdtime", 0xc01),
  counter("rdinstret", 0xc02),
  counter("rdcycleh", 0xc80),
  counter("rdtimeh", 0xc81),
  counter("rdinstreth", 0xc82),
  ...fcsr("frcsr", "fscsr", null, 0x003),
  ...fcsr("frrm", "fsrm", "fsrmi", 0x002),
  ...fcsr("frflags", "fsflags", "fsflagsi", 0x001),
  insn("csrr", "rd,csr", CSRRS, MASK_I | MASK_RS1, "zicsr", "alias"),
  insn("csrw", "csr,zimm5", CSRRWI, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrw", "csr,rs1", CSRRW, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrs", "csr,zimm5", CSRRSI, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrs", "csr,rs1", CSRRS, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrc", "csr,zimm5", CSRRCI, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrc", "csr,rs1", CSRRC, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrwi", "csr,zimm5", CSRRWI, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrsi", "csr,zimm5", CSRRSI, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrci", "csr,zimm5", CSRRCI, MASK_I | MASK_RD, "zicsr", "alias"),
  insn("csrrw", "rd,csr,zimm5", CSRRWI, MASK_I, "zicsr", "alias"),
  insn("csrrs", "rd,csr,zimm5", CSRRSI, MASK_I, "zicsr", "alias"),
  insn("csrrc", "rd,csr,zimm5", CSRRCI, MASK_I, "zicsr", "alias"),
  insn("csrrwi", "rd,csr,zimm5", CSRRWI, MASK_I, "zicsr"),
  insn("csrrsi", "rd,csr,zimm5", CSRRSI, MASK_I, "zicsr"),
  insn("csrrci", "rd,csr,zimm5", CSRRCI, MASK_I, "zicsr"),
  insn("csrrw", "rd,csr,rs1", CSRRW, MASK_I, "zicsr"),
  insn("csrrs", "rd,csr,rs1", CSRRS, MASK_I, "zicsr"),
  insn("csrrc", "rd,csr,rs1", CSRRC, MASK_I, "zicsr"),
];
