/**
 * The shape of an instruction table entry. An instruction is described by its mnemonic, the
 * operand kinds it takes in assembly order, and the fixed bits (`match` under `mask`).
 * Adding an instruction is adding one entry to a table in this folder.
 */
import { emptyArray } from "../empty-array.ts";

/** Operand kinds. Each names where the operand's bits go and how it is written. */
export type OperandKind =
  // integer registers
  | "rd" | "rs1" | "rs2"
  // immediates
  | "i12" // signed 12-bit, bits 31:20 (I-type)
  | "s12" // signed 12-bit, S-type split field
  | "shamt" // 0..31, bits 24:20
  | "u20" // 0..0xfffff, bits 31:12 (lui/auipc)
  | "btarget" // branch target, pc-relative, B-type
  | "jtarget" // jal target, pc-relative, J-type
  | "mem" // offset(rs1) with an I-type offset
  | "smem" // offset(rs1) with an S-type offset
  | "amem" // (rs1), offset must be 0 (atomics)
  | "csr" // CSR name or number, bits 31:20
  | "zimm5" // 0..31, bits 19:15 (csr immediates, vsetivli AVL)
  | "pred" | "succ" // fence sets
  // vector
  | "vd" | "vs1" | "vs2" | "vs3"
  | "vs12" // one register written to both vs1 and vs2 (vmmv.m, vmnot.m)
  | "vdall" // one register written to vd, vs1 and vs2 (vmclr.m, vmset.m)
  | "vm" // optional trailing `v0.t` (bit 25 clear when present)
  | "v0" // the literal `v0` (carry/merge mask), no bits
  | "vsimm5" // -16..15, bits 19:15
  | "vsimm5p1" // written value v encodes v-1: -15..16 (vmslt.vi and friends)
  | "vsimm5p1nz" // as vsimm5p1 but not 0 (vmsltu.vi/vmsgeu.vi with 0 are pseudo-instructions)
  | "vuimm5" // 0..31, bits 19:15
  | "vtype11" // vtype for vsetvli, bits 30:20
  | "vtype10" // vtype for vsetivli, bits 29:20
  | "vaddr"; // (rs1) for vector memory operations

export type Extension = "i" | "m" | "a" | "zicsr" | "zifencei" | "v" | "custom";

/** One instruction (or single-instruction alias) in the tables. */
export interface InsnSpec {
  readonly name: string;
  readonly operands: readonly OperandKind[];
  readonly match: number;
  readonly mask: number;
  readonly ext: Extension;
  /** An alias (pseudo-instruction that is one real instruction with some fields fixed). */
  readonly alias: boolean;
  /** Never chosen by the disassembler (an input-only spelling, e.g. `move`). */
  readonly asmOnly: boolean;
  /** Fewest and most comma-separated operands this form can be written with. */
  readonly minOperands: number;
  readonly maxOperands: number;
}

/** Compact constructor used by the tables: operands are written as "rd,rs1,i12". */
export function insn(name: string, operands: string, match: number, mask: number, ext: Extension, flags: "" | "alias" | "asm-only" = ""): InsnSpec {
  const ops = operands === "" ? emptyArray<OperandKind>() : (operands.split(",") as OperandKind[]);
  const optional = ops.filter((o) => o === "vm").length;
  const vtypeExtra = ops.some((o) => o === "vtype11" || o === "vtype10") ? 3 : 0;
  return {
    name,
    operands: ops,
    minOperands: ops.length - optional,
    maxOperands: ops.length + vtypeExtra,
    match: match >>> 0,
    mask: mask >>> 0,
    ext,
    alias: flags !== "",
    asmOnly: flags === "asm-only",
  };
}

// Field masks shared by the tables.
export const MASK_RD = 0x1f << 7;
export const MASK_RS1 = 0x1f << 15;
export const MASK_RS2 = 0x1f << 20;
export const MASK_IMM12 = 0xfff << 20;
export const MASK_OPCODE = 0x7f;
export const MASK_F3 = 0x7 << 12;
export const MASK_F7 = 0x7f << 25;
export const MASK_R = MASK_OPCODE | MASK_F3 | MASK_F7;
export const MASK_I = MASK_OPCODE | MASK_F3;

/** R-type match bits. */
export function rType(opcode: number, f3: number, f7: number): number {
  return (opcode | (f3 << 12) | (f7 << 25)) >>> 0;
}
/** I/S/B-type match bits. */
export function iType(opcode: number, f3: number): number {
  return (opcode | (f3 << 12)) >>> 0;
}
