/**
 * Fixup resolution. In "object" mode what is not known inside one section becomes a
 * relocation (with the bytes GNU as leaves there); in "link" mode every section has an
 * address and all values are computed.
 */
import type { Assembler } from "./assembler.ts";
import { AsmError } from "./diagnostics.ts";
import type { Value } from "./expr.ts";
import type { Fixup, Section } from "./section.ts";
import type { Sym } from "./symbols.ts";
import { R_RISCV } from "./relocs.ts";
import { encodeB, encodeI, encodeJ, encodeS, hi20, lo12, B_MASK, J_MASK, I_MASK, S_MASK, U_MASK } from "./encoding.ts";
import { writeLE } from "./section.ts";
import { dataRangeMessage } from "./directives.ts";

export type ResolveMode = { kind: "object" } | { kind: "link"; address: (s: Section) => number };

/** A relocation against a symbol of this assembly (before symbol-table indices exist). */
export interface SymRelocation {
  readonly sym: Sym;
  readonly type: number;
  readonly addend: number;
  readonly offset: number;
}

/** Resolves every fixup of every section; returns relocations per section (object mode). */
export function resolveFixups(asm: Assembler, mode: ResolveMode): Map<Section, SymRelocation[]> {
  const out = new Map<Section, SymRelocation[]>();
  for (const sec of asm.sections) {
    const relocs: SymRelocation[] = [];
    const hiByOffset = new Map<number, Fixup>();
    const fixups = sec.fixups;
    for (let i = 0; i < fixups.length; i++) if (fixups[i]!.kind === "pcrel_hi20") hiByOffset.set(fixups[i]!.offset, fixups[i]!);
    for (let i = 0; i < fixups.length; i++) {
      const f = fixups[i]!;
      try {
        resolveOne(asm, sec, f, mode, relocs, hiByOffset);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        asm.diag("error", e.message, f.loc, e.offset >= 0 ? e.offset : f.col);
      }
    }
    for (let i = 0; i < relocs.length; i++) {
      const r = relocs[i]!;
      r.sym.usedInReloc = true;
      if (!r.sym.defined && !r.sym.bindingExplicit) r.sym.binding = "global";
    }
    out.set(sec, relocs);
  }
  return out;
}

function rel(type: number, sym: Sym, addend: number, offset: number): SymRelocation {
  return { sym, type, addend, offset };
}

/** The value of `sym + v - sub` in link mode (symbols resolved to addresses). */
function linkedValue(val: Value<Sym>, link: ResolveMode & { kind: "link" }): number {
  let v = val.v;
  if (val.sym) v += addressOf(val.sym, link);
  if (val.sub) v -= addressOf(val.sub, link);
  return v;
}

/** Address of a symbol in link mode. */
function addressOf(s: Sym, mode: ResolveMode & { kind: "link" }): number {
  if (s.state === "label") return mode.address(s.section!) + s.value;
  throw new AsmError(`undefined symbol '${s.name}'`);
}

function patch(sec: Section, off: number, mask: number, bits: number): void {
  sec.write32(off, ((sec.read32(off) & ~mask) | (bits & mask)) >>> 0);
}

function rangeCheck(v: number, lo: number, hi: number, what: string, kind: string): void {
  if (v < lo || v > hi) throw new AsmError(`${kind} ${v} out of range for ${what}: ${lo}..${hi}`);
}

function checkBranch(delta: number, f: Fixup): void {
  if (f.kind === "branch") rangeCheck(delta, -4096, 4094, f.what, "branch offset");
  else if (f.kind === "jal") rangeCheck(delta, -1048576, 1048574, f.what, "jump offset");
  if (delta & 1) throw new AsmError(`${f.kind === "branch" ? "branch" : "jump"} offset ${delta} for ${f.what} is not a multiple of 2`);
}

function resolveOne(asm: Assembler, sec: Section, f: Fixup, mode: ResolveMode, relocs: SymRelocation[], hiByOffset: Map<number, Fixup>): void {
  const val: Value<Sym> = asm.fixupValue(f);
  const off = f.offset;
  const link = mode.kind === "link" ? mode : null;
  const pc = link ? link.address(sec) + off : off;
  switch (f.kind) {
    case "data8":
    case "data16":
    case "data32":
    case "data64": {
      const bytes = f.kind === "data8" ? 1 : f.kind === "data16" ? 2 : f.kind === "data32" ? 4 : 8;
      if (sec.type === "nobits") throw new AsmError(`${f.what}: relocated data in ${sec.name} (a section with no contents)`);
      let v: number;
      if (link) v = linkedValue(val, link);
      else if (val.sub !== null) {
        const a = val.sym;
        const b = val.sub;
        if (a === null || !b.defined || b.state !== "label" || !a.defined || a.state !== "label" || a.section !== b.section) {
          throw new AsmError(`${f.what}: cannot represent the difference of '${a?.name ?? "constant"}' and '${b.name}' (they must be labels in the same section)`);
        }
        if (a.section!.flags.exec) {
          // GNU as keeps differences inside code sections as ADD/SUB pairs (relaxation may change them)
          const [add, sub] = bytes === 1 ? [R_RISCV.ADD8, R_RISCV.SUB8] : bytes === 2 ? [R_RISCV.ADD16, R_RISCV.SUB16] : bytes === 4 ? [R_RISCV.ADD32, R_RISCV.SUB32] : [R_RISCV.ADD64, R_RISCV.SUB64];
          relocs.push(rel(add, a, val.v, off));
          relocs.push(rel(sub, b, 0, off));
          return;
        }
        v = a.value - b.value + val.v;
      } else if (val.sym !== null) {
        if (bytes < 4) throw new AsmError(`${f.what}: cannot represent a ${bytes}-byte relocation against '${val.sym.name}'`);
        relocs.push(rel(bytes === 4 ? R_RISCV["32"] : R_RISCV["64"], val.sym, val.v, off));
        return;
      } else v = val.v;
      const warning = dataRangeMessage(v, bytes, f.what);
      if (warning !== undefined) {
        // an address that does not fit is an error (as the linker's "relocation truncated to fit")
        if (val.sym !== null && val.sub === null) throw new AsmError(`${f.what}: address of '${val.sym.name}' (0x${v.toString(16)}) does not fit in ${bytes} byte${bytes === 1 ? "" : "s"}`);
        asm.diag("warning", warning, f.loc, f.col);
      }
      writeLE(sec.data, off, v, bytes);
      return;
    }
    case "branch":
    case "jal": {
      if (val.sub !== null) throw new AsmError(`${f.what}: the target must be a label, not a difference`);
      if (val.sym === null && !link) throw new AsmError(`${f.what}: the target must be a label, not the constant ${val.v}`);
      const encode = f.kind === "branch" ? encodeB : encodeJ;
      const mask = f.kind === "branch" ? B_MASK : J_MASK;
      if (link) {
        const delta = linkedValue(val, link) - pc;
        checkBranch(delta, f);
        patch(sec, off, mask, encode(delta));
        return;
      }
      const s = val.sym!;
      const local = s.state === "label" && s.section === sec && s.binding !== "weak";
      const delta = (s.state === "label" ? s.value : 0) + val.v - off;
      if (local) checkBranch(delta, f);
      patch(sec, off, mask, encode(delta));
      relocs.push(rel(f.kind === "branch" ? R_RISCV.BRANCH : R_RISCV.JAL, s, val.v, off));
      return;
    }
    case "call": {
      if (val.sub !== null || (val.sym === null && !link)) throw new AsmError(`${f.what}: the target must be a label`);
      if (link) {
        const delta = linkedValue(val, link) - pc;
        rangeCheck(delta, -0x80000800, 0x7ffff7ff, f.what, "call offset");
        patch(sec, off, U_MASK, hi20(delta) << 12);
        patch(sec, off + 4, I_MASK, encodeI(lo12(delta)));
        return;
      }
      relocs.push(rel(R_RISCV.CALL_PLT, val.sym!, val.v, off));
      return;
    }
    case "hi20":
    case "lo12i":
    case "lo12s": {
      if (val.sub !== null) throw new AsmError(`${f.what}: %hi/%lo of a symbol difference is not supported`);
      if (link) {
        const v = linkedValue(val, link);
        if (f.kind === "hi20") patch(sec, off, U_MASK, hi20(v) << 12);
        else if (f.kind === "lo12i") patch(sec, off, I_MASK, encodeI(lo12(v)));
        else patch(sec, off, S_MASK, encodeS(lo12(v)));
        return;
      }
      relocs.push(rel(f.kind === "hi20" ? R_RISCV.HI20 : f.kind === "lo12i" ? R_RISCV.LO12_I : R_RISCV.LO12_S, val.sym!, val.v, off));
      return;
    }
    case "pcrel_hi20": {
      if (val.sub !== null) throw new AsmError(`${f.what}: %pcrel_hi of a symbol difference is not supported`);
      if (link) {
        patch(sec, off, U_MASK, hi20(linkedValue(val, link) - pc) << 12);
        return;
      }
      if (val.sym === null) throw new AsmError(`${f.what}: %pcrel_hi needs a symbol, not the constant ${val.v}`);
      relocs.push(rel(R_RISCV.PCREL_HI20, val.sym, val.v, off));
      return;
    }
    case "pcrel_lo12i":
    case "pcrel_lo12s": {
      const s = val.sym;
      if (s === null || val.sub !== null || s.state !== "label" || s.section !== sec || val.v !== 0) {
        throw new AsmError(`${f.what}: %pcrel_lo needs the label of an auipc with %pcrel_hi in the same section`);
      }
      const hi = hiByOffset.get(s.value);
      if (hi === undefined) throw new AsmError(`${f.what}: no %pcrel_hi relocation at '${s.name.replace(/\x02/g, "^B")}'`);
      if (link) {
        const hv = asm.fixupValue(hi);
        let target = hv.v;
        if (hv.sym) target += addressOf(hv.sym, link);
        if (hv.sub) target -= addressOf(hv.sub, link);
        const delta = target - (link.address(sec) + hi.offset);
        if (f.kind === "pcrel_lo12i") patch(sec, off, I_MASK, encodeI(lo12(delta)));
        else patch(sec, off, S_MASK, encodeS(lo12(delta)));
        return;
      }
      relocs.push(rel(f.kind === "pcrel_lo12i" ? R_RISCV.PCREL_LO12_I : R_RISCV.PCREL_LO12_S, s, 0, off));
      return;
    }
  }
}
