/** RV32M: multiply and divide. */
import { insn, rType, MASK_R, type InsnSpec } from "./types.ts";

const names = ["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"];

export const rv32m: readonly InsnSpec[] = names.map((n, f3) => insn(n, "rd,rs1,rs2", rType(0x33, f3, 1), MASK_R, "m"));
