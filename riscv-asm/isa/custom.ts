/**
 * Custom instructions (RISC-V custom opcode space: custom-0 0x0b, custom-1 0x2b, custom-2
 * 0x5b, custom-3 0x7b). The PE's instructions go here, one entry each, for example:
 *
 *   insn("pe.cmd", "rd,rs1,rs2", rType(0x0b, 0, 0x01), MASK_R, "custom"),
 *
 * The assembler, the disassembler and the generated tests pick entries up from ALL_INSNS.
 */
import type { InsnSpec } from "./types.ts";

export const custom: readonly InsnSpec[] = [];
