/** Integer and vector register names: `xN`, ABI names (`fp` = `s0`), `vN`. */

export const ABI_NAMES: readonly string[] = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];

function buildX(): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < 32; i++) {
    m.set(`x${i}`, i);
    m.set(ABI_NAMES[i]!, i);
  }
  m.set("fp", 8);
  return m;
}

function buildV(): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < 32; i++) m.set(`v${i}`, i);
  return m;
}

/** Integer register name -> number. */
export const X_REGS: ReadonlyMap<string, number> = buildX();
/** Vector register name -> number. */
export const V_REGS: ReadonlyMap<string, number> = buildV();
