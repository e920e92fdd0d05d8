/**
 * SECDED (72,64) Hamming code: 64 data bits, 7 Hamming check bits and one overall parity
 * bit, so single-bit errors are corrected and double-bit errors detected.
 *
 * Code-word positions 1..71: check bit i sits at position 2^i (i = 0..6), the 64 data bits
 * fill the other positions in order (3, 5, 6, 7, 9, ...). Check bit i is the XOR of the data
 * bits whose position has bit i set, so the syndrome of a single flipped bit is its position.
 * Check byte layout: bits 0..6 the Hamming bits, bit 7 the parity of data and bits 0..6.
 * Data is passed as two 32-bit halves (lo = bits 31..0), so nothing allocates.
 */

/** Position (1..71) of data bit d (0..63). */
const POSITION = new Uint8Array(64);
/** Data bit at a position, or 255 for check positions / unused. */
const DATA_AT = new Uint8Array(128).fill(255);
{
  let d = 0;
  for (let p = 1; d < 64; p++) {
    if ((p & (p - 1)) === 0) continue;
    POSITION[d] = p;
    DATA_AT[p] = d;
    d++;
  }
}

/** Per data half, for each check bit, the mask of data bits it covers. */
const COVER_LO = new Uint32Array(7);
const COVER_HI = new Uint32Array(7);
for (let i = 0; i < 7; i++) {
  let lo = 0, hi = 0;
  for (let d = 0; d < 64; d++) {
    if ((POSITION[d]! >> i) & 1) {
      if (d < 32) lo |= 1 << d;
      else hi |= 1 << (d - 32);
    }
  }
  COVER_LO[i] = lo >>> 0;
  COVER_HI[i] = hi >>> 0;
}

function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** The 8 check bits of a 64-bit granule. */
export function eccEncode(lo: number, hi: number): number {
  let c = 0;
  for (let i = 0; i < 7; i++) c |= parity32((lo & COVER_LO[i]!) ^ (hi & COVER_HI[i]!)) << i;
  const overall = parity32(lo ^ hi ^ c);
  return c | (overall << 7);
}

export const ECC_OK = 0;
export const ECC_CORRECTED = 1;
export const ECC_UNCORRECTABLE = 2;

/**
 * Decodes a granule in place in `out` (out[0] = lo, out[1] = hi) and returns ECC_OK,
 * ECC_CORRECTED (a single flipped bit, data or check, was corrected) or ECC_UNCORRECTABLE.
 */
export function eccDecode(lo: number, hi: number, check: number, out: Uint32Array): number {
  out[0] = lo;
  out[1] = hi;
  const recomputed = eccEncode(lo, hi);
  const syndrome = (recomputed ^ check) & 0x7f;
  const overall = parity32(lo ^ hi ^ (check & 0xff));
  if (syndrome === 0 && overall === 0) return ECC_OK;
  if (overall === 0) return ECC_UNCORRECTABLE; // even number of flips with a non-zero syndrome
  // Odd number of flips: assume one.
  if (syndrome === 0 || (syndrome & (syndrome - 1)) === 0) return ECC_CORRECTED; // a check bit
  const d = DATA_AT[syndrome]!;
  if (d === 255) return ECC_UNCORRECTABLE;
  if (d < 32) out[0] = (lo ^ (1 << d)) >>> 0;
  else out[1] = (hi ^ (1 << (d - 32))) >>> 0;
  return ECC_CORRECTED;
}
