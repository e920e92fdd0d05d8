/** All instruction tables, in disassembler priority order, and the mnemonic lookup map. */
import { rv32i } from "./rv32i.ts";
import { rv32m } from "./rv32m.ts";
import { rv32a } from "./rv32a.ts";
import { zicsr } from "./zicsr.ts";
import { zifencei } from "./zifencei.ts";
import { rvv } from "./rvv.ts";
import type { InsnSpec } from "./types.ts";

export type { InsnSpec, OperandKind, Extension } from "./types.ts";

/** Every table entry. Add a table here when adding an extension. */
export const ALL_INSNS: readonly InsnSpec[] = [...rv32i, ...rv32m, ...rv32a, ...zicsr, ...zifencei, ...rvv];

function byName(): Map<string, InsnSpec[]> {
  const m = new Map<string, InsnSpec[]>();
  for (const s of ALL_INSNS) {
    const list = m.get(s.name);
    if (list) list.push(s);
    else m.set(s.name, [s]);
  }
  return m;
}

/** Mnemonic -> the entries (operand forms) that spell it, in table order. */
export const INSNS_BY_NAME: ReadonlyMap<string, readonly InsnSpec[]> = byName();
