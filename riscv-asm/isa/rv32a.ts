/** RV32A: load-reserved / store-conditional and atomic memory operations, with .aq/.rl/.aqrl. */
import { insn, rType, MASK_R, MASK_RS2, type InsnSpec } from "./types.ts";

const AMO = 0x2f;
const ops: [string, number][] = [
  ["amoadd.w", 0x00], ["amoswap.w", 0x01], ["amoxor.w", 0x04], ["amoor.w", 0x08],
  ["amoand.w", 0x0c], ["amomin.w", 0x10], ["amomax.w", 0x14], ["amominu.w", 0x18], ["amomaxu.w", 0x1c],
];
const orderings: [string, number][] = [["", 0], [".aq", 2], [".rl", 1], [".aqrl", 3]];

function amo(name: string, f5: number, ord: number, lr: boolean): InsnSpec {
  const match = rType(AMO, 2, (f5 << 2) | ord);
  return lr ? insn(name, "rd,amem", match, MASK_R | MASK_RS2, "a") : insn(name, "rd,rs2,amem", match, MASK_R, "a");
}

export const rv32a: readonly InsnSpec[] = orderings.flatMap(([suffix, ord]) => [
  amo(`lr.w${suffix}`, 0x02, ord, true),
  amo(`sc.w${suffix}`, 0x03, ord, false),
  ...ops.map(([n, f5]) => amo(`${n}${suffix}`, f5, ord, false)),
]);
