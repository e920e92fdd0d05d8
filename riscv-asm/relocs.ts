/** RISC-V ELF relocation types used by the assembler. */

export const R_RISCV = {
  NONE: 0,
  "32": 1,
  "64": 2,
  BRANCH: 16,
  JAL: 17,
  CALL: 18,
  CALL_PLT: 19,
  PCREL_HI20: 23,
  PCREL_LO12_I: 24,
  PCREL_LO12_S: 25,
  HI20: 26,
  LO12_I: 27,
  LO12_S: 28,
  ADD8: 33,
  ADD16: 34,
  ADD32: 35,
  ADD64: 36,
  SUB8: 37,
  SUB16: 38,
  SUB32: 39,
  SUB64: 40,
  RELAX: 51,
  "32_PCREL": 57,
} as const;

/** Name of a relocation type (for messages and dumps). */
export function relocName(type: number): string {
  for (const [k, v] of Object.entries(R_RISCV)) if (v === type) return `R_RISCV_${k}`;
  return `R_RISCV_<${type}>`;
}
