/**
 * Pure instruction helpers of the scalar core (core.ts): the ID legality check and the high
 * word of the 32x32 multiplier. The pipeline reaches them through `this` (the batch compiler
 * accepts no free identifiers in a block). Written independently of the golden model
 * (iss.ts, rv32.ts) so that the lockstep comparison checks one against the other.
 */

/** Whether an instruction word is a legal RV32IM + Zicsr + Zifencei encoding (CSR numbers are checked in EX). */
export function isLegal(w: number): boolean {
  if ((w & 3) !== 3) return false;
  const op = w & 0x7f;
  const f3 = (w >>> 12) & 7;
  const f7 = w >>> 25;
  switch (op) {
    case 0x37: case 0x17: case 0x6f: return true;
    case 0x67: return f3 === 0;
    case 0x63: return f3 !== 2 && f3 !== 3;
    case 0x03: return f3 !== 3 && f3 < 6;
    case 0x23: return f3 < 3;
    case 0x13: return f3 === 1 ? f7 === 0 : f3 === 5 ? f7 === 0 || f7 === 0x20 : true;
    case 0x33: return f7 === 1 || f7 === 0 || (f7 === 0x20 && (f3 === 0 || f3 === 5));
    case 0x0f: return f3 === 0 || f3 === 1;
    case 0x73:
      if (f3 === 0) return w === 0x00000073 || w === 0x00100073 || w === 0x30200073 || w === 0x10500073;
      return f3 !== 4;
    default: return false;
  }
}

/** High word of an unsigned 32x32 product (16-bit limbs, no BigInt: allocation-free). */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a1 * b0 + (lo >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + Math.floor(mid1 / 65536) + Math.floor(mid2 / 65536)) >>> 0;
}
