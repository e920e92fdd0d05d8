/** Immediate field layouts of the RISC-V formats: insert (encode) and extract (decode). */

export function encodeI(v: number): number {
  return ((v & 0xfff) << 20) >>> 0;
}
export function decodeI(w: number): number {
  return w >> 20;
}
export function encodeS(v: number): number {
  return ((((v >> 5) & 0x7f) << 25) | ((v & 0x1f) << 7)) >>> 0;
}
export function decodeS(w: number): number {
  return ((w >> 25) << 5) | ((w >>> 7) & 0x1f);
}
export function encodeB(v: number): number {
  return (
    ((((v >> 12) & 1) << 31) | (((v >> 5) & 0x3f) << 25) | (((v >> 1) & 0xf) << 8) | (((v >> 11) & 1) << 7)) >>> 0
  );
}
export function decodeB(w: number): number {
  return ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
}
export function encodeJ(v: number): number {
  return (
    ((((v >> 20) & 1) << 31) | (((v >> 1) & 0x3ff) << 21) | (((v >> 11) & 1) << 20) | (((v >> 12) & 0xff) << 12)) >>> 0
  );
}
export function decodeJ(w: number): number {
  return ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
}
export function encodeU(v: number): number {
  return ((v & 0xfffff) << 12) >>> 0;
}

export const B_MASK = encodeB(-2) >>> 0;
export const J_MASK = encodeJ(-2) >>> 0;
export const I_MASK = 0xfff00000;
export const S_MASK = encodeS(-1) >>> 0;
export const U_MASK = 0xfffff000;

/** %hi: the upper 20 bits, rounded so that adding the sign-extended %lo gives the value. */
export function hi20(v: number): number {
  return ((v + 0x800) >>> 12) & 0xfffff;
}
/** %lo: the low 12 bits, sign-extended. */
export function lo12(v: number): number {
  return (v << 20) >> 20;
}

/** Sign-extends the low `bits` bits. */
export function signExtend(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}
