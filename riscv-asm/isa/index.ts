/** All instruction tables, in disassembler priority order, and the mnemonic lookup map. */
import { rv32i } from "./rv32i.ts";
import { rv32m } from "./rv32m.ts";
import { rv32a } from "./rv32a.ts";
import { zicsr } from "./zicsr.ts";
import { zifencei } from "./zifencei.ts";
import { rvv } from "./rvv.ts";
import { custom } from "./custom.ts";
import type { InsnSpec } from "./types.ts";

export type { InsnSpec, OperandKind, Extension } from "./types.ts";

/** Every table entry. Add a table here when adding an extension. */
export const ALL_INSNS: readonly InsnSpec[] = [...rv32i, ...rv32m, ...rv32a, ...zicsr, ...zifencei, ...rvv, ...custom];

const REGISTER_KINDS = new Set(["rd", "rs1", "rs2", "vd", "vs1", "vs2", "vs3", "vs12", "vdall"]);

/**
 * Assembly order of a mnemonic's forms: real instructions before aliases, then more register
 * operands first (so `add a0, a1, a2` matches the register form without a failed attempt).
 * The operand count picks among them first; this only orders forms of equal count.
 */
function assemblyRank(s: InsnSpec): number {
  return (s.alias ? 100 : 0) - s.operands.filter((k) => REGISTER_KINDS.has(k)).length;
}

function byName(): Map<string, InsnSpec[]> {
  const m = new Map<string, InsnSpec[]>();
  for (const s of ALL_INSNS) {
    const list = m.get(s.name);
    if (list) list.push(s);
    else m.set(s.name, [s]);
  }
  for (const list of m.values()) list.sort((a, b) => assemblyRank(a) - assemblyRank(b));
  return m;
}

/** Mnemonic -> the entries (operand forms) that spell it, in assembly order. */
export const INSNS_BY_NAME: ReadonlyMap<string, readonly InsnSpec[]> = byName();
