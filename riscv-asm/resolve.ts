/**
 * Fixup resolution. In "object" mode what is not known inside one section becomes a
 * relocation (with the bytes GNU as leaves there); in "link" mode every section has an
 * address and all values are computed.
 */
import type { Assembler } from "./assembler.ts";
import { AsmError } from "./diagnostics.ts";
import type { Value } from "./expr.ts";
import type { Section } from "./section.ts";
import type { FixupKind } from "./fixups.ts";
import type { Sym } from "./symbols.ts";
import { R_RISCV } from "./relocs.ts";
import { encodeB, encodeI, encodeJ, encodeS, hi20, lo12, B_MASK, J_MASK, I_MASK, S_MASK, U_MASK } from "./encoding.ts";
import { writeLE } from "./section.ts";
import { dataRangeMessage } from "./directives.ts";

export type ResolveMode = { kind: "object" } | { kind: "link"; address: (s: Section) => number };

/**
 * A section's relocations against symbols of this assembly: the records the Program keeps
 * (`symbol`, the index in Program.symbols, filled in once the symbol table is made), and
 * each one's symbol.
 */
export interface Relocations {
  readonly items: { readonly offset: number; readonly type: number; symbol: number; readonly addend: number }[];
  readonly syms: Sym[];
}

/** Resolves every fixup of every section; returns relocations per section (object mode). */
export function resolveFixups(asm: Assembler, mode: ResolveMode): Map<Section, Relocations> {
  const out = new Map<Section, Relocations>();
  for (const sec of asm.sections) {
    const relocs: Relocations = { items: [], syms: [] };
    const hiByOffset = new Map<number, number>();
    const fixups = sec.fixups;
    for (let i = 0; i < fixups.length; i++) if (fixups.kind[i] === "pcrel_hi20") hiByOffset.set(fixups.offset[i]!, i);
    const job: Job = { asm, sec, relocs, hiByOffset, link: mode.kind === "link" ? mode : null, i: 0, kind: "data8", what: "", off: 0, pc: 0, val: { v: 0, sym: null, sub: null } };
    for (let i = 0; i < fixups.length; i++) {
      try {
        resolveOne(job, i);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        asm.diag("error", e.message, fixups.loc(i), e.offset >= 0 ? e.offset : fixups.col[i]!);
      }
    }
    const syms = relocs.syms;
    for (let i = 0; i < syms.length; i++) {
      const sym = syms[i]!;
      sym.usedInReloc = true;
      if (!sym.defined && !sym.bindingExplicit) sym.binding = "global";
    }
    out.set(sec, relocs);
  }
  return out;
}

function rel(relocs: Relocations, type: number, sym: Sym, addend: number, offset: number): void {
  relocs.items.push({ offset, type, symbol: -1, addend });
  relocs.syms.push(sym);
}

/** The value of `sym + v - sub` in link mode (symbols resolved to addresses). */
function linkedValue(val: Value<Sym>, link: LinkMode): number {
  let v = val.v;
  if (val.sym) v += addressOf(val.sym, link);
  if (val.sub) v -= addressOf(val.sub, link);
  return v;
}

/** Address of a symbol in link mode. */
function addressOf(s: Sym, mode: LinkMode): number {
  if (s.state === "label") return mode.address(s.section!) + s.value;
  throw new AsmError(`undefined symbol '${s.name}'`);
}

function patch(sec: Section, off: number, mask: number, bits: number): void {
  sec.write32(off, ((sec.read32(off) & ~mask) | (bits & mask)) >>> 0);
}

function rangeCheck(v: number, lo: number, hi: number, what: string, kind: string): void {
  if (v < lo || v > hi) throw new AsmError(`${kind} ${v} out of range for ${what}: ${lo}..${hi}`);
}

function checkBranch(delta: number, kind: FixupKind, what: string): void {
  if (kind === "branch") rangeCheck(delta, -4096, 4094, what, "branch offset");
  else if (kind === "jal") rangeCheck(delta, -1048576, 1048574, what, "jump offset");
  if (delta & 1) throw new AsmError(`${kind === "branch" ? "branch" : "jump"} offset ${delta} for ${what} is not a multiple of 2`);
}

type LinkMode = ResolveMode & { kind: "link" };

/** What resolving one fixup needs: one record per section, filled in for each of its fixups. */
interface Job {
  readonly asm: Assembler;
  readonly sec: Section;
  readonly relocs: Relocations;
  /** The %pcrel_hi fixup at each offset. */
  readonly hiByOffset: Map<number, number>;
  readonly link: LinkMode | null;
  i: number;
  kind: FixupKind;
  what: string;
  off: number;
  /** Address (link mode) or section offset of the fixup. */
  pc: number;
  /** The fixup's value (one object for all: handlers read it, never keep it). */
  readonly val: Value<Sym>;
}

/**
 * Resolves fixup `job.i`. One small function per kind of fixup rather than one large one: V8
 * optimizes a function after running an amount of its code that grows with its size, and this
 * runs once per fixup, so a large function would run unoptimized for most of them.
 */
function resolveOne(job: Job, i: number): void {
  const fixups = job.sec.fixups;
  const off = fixups.offset[i]!;
  job.i = i;
  job.kind = fixups.kind[i]!;
  job.what = fixups.what[i]!;
  job.off = off;
  job.pc = job.link !== null ? job.link.address(job.sec) + off : off;
  job.asm.fixupValue(fixups, i, job.val);
  switch (job.kind) {
    case "data8":
    case "data16":
    case "data32":
    case "data64":
      return resolveData(job);
    case "branch":
    case "jal":
      return resolveJump(job);
    case "call":
      return resolveCall(job);
    case "hi20":
    case "lo12i":
    case "lo12s":
      return resolveHiLo(job);
    case "pcrel_hi20":
      return resolvePcrelHi(job);
    case "pcrel_lo12i":
    case "pcrel_lo12s":
      return resolvePcrelLo(job);
  }
}

function resolveData(job: Job): void {
  const { sec, what, off, val, link, relocs, kind } = job;
  const bytes = kind === "data8" ? 1 : kind === "data16" ? 2 : kind === "data32" ? 4 : 8;
  if (sec.type === "nobits") throw new AsmError(`${what}: relocated data in ${sec.name} (a section with no contents)`);
  let v: number;
  if (link) v = linkedValue(val, link);
  else if (val.sub !== null) {
    const a = val.sym;
    const b = val.sub;
    if (a === null || !b.defined || b.state !== "label" || !a.defined || a.state !== "label" || a.section !== b.section) {
      throw new AsmError(`${what}: cannot represent the difference of '${a?.name ?? "constant"}' and '${b.name}' (they must be labels in the same section)`);
    }
    if (a.section!.flags.exec) {
      // GNU as keeps differences inside code sections as ADD/SUB pairs (relaxation may change them)
      const [add, sub] = bytes === 1 ? [R_RISCV.ADD8, R_RISCV.SUB8] : bytes === 2 ? [R_RISCV.ADD16, R_RISCV.SUB16] : bytes === 4 ? [R_RISCV.ADD32, R_RISCV.SUB32] : [R_RISCV.ADD64, R_RISCV.SUB64];
      rel(relocs, add, a, val.v, off);
      rel(relocs, sub, b, 0, off);
      return;
    }
    v = a.value - b.value + val.v;
  } else if (val.sym !== null) {
    if (bytes < 4) throw new AsmError(`${what}: cannot represent a ${bytes}-byte relocation against '${val.sym.name}'`);
    rel(relocs, bytes === 4 ? R_RISCV["32"] : R_RISCV["64"], val.sym, val.v, off);
    return;
  } else v = val.v;
  const warning = dataRangeMessage(v, bytes, what);
  if (warning !== undefined) {
    // an address that does not fit is an error (as the linker's "relocation truncated to fit")
    if (val.sym !== null && val.sub === null) throw new AsmError(`${what}: address of '${val.sym.name}' (0x${v.toString(16)}) does not fit in ${bytes} byte${bytes === 1 ? "" : "s"}`);
    job.asm.diag("warning", warning, sec.fixups.loc(job.i), sec.fixups.col[job.i]!);
  }
  writeLE(sec.data, off, v, bytes);
}

function resolveJump(job: Job): void {
  const { sec, what, off, val, link, kind } = job;
  if (val.sub !== null) throw new AsmError(`${what}: the target must be a label, not a difference`);
  if (val.sym === null && !link) throw new AsmError(`${what}: the target must be a label, not the constant ${val.v}`);
  const encode = kind === "branch" ? encodeB : encodeJ;
  const mask = kind === "branch" ? B_MASK : J_MASK;
  if (link) {
    const delta = linkedValue(val, link) - job.pc;
    checkBranch(delta, kind, what);
    patch(sec, off, mask, encode(delta));
    return;
  }
  const s = val.sym!;
  const local = s.state === "label" && s.section === sec && s.binding !== "weak";
  const delta = (s.state === "label" ? s.value : 0) + val.v - off;
  if (local) checkBranch(delta, kind, what);
  patch(sec, off, mask, encode(delta));
  rel(job.relocs, kind === "branch" ? R_RISCV.BRANCH : R_RISCV.JAL, s, val.v, off);
}

function resolveCall(job: Job): void {
  const { sec, what, off, val, link } = job;
  if (val.sub !== null || (val.sym === null && !link)) throw new AsmError(`${what}: the target must be a label`);
  if (link) {
    const delta = linkedValue(val, link) - job.pc;
    rangeCheck(delta, -0x80000800, 0x7ffff7ff, what, "call offset");
    patch(sec, off, U_MASK, hi20(delta) << 12);
    patch(sec, off + 4, I_MASK, encodeI(lo12(delta)));
    return;
  }
  rel(job.relocs, R_RISCV.CALL_PLT, val.sym!, val.v, off);
}

function resolveHiLo(job: Job): void {
  const { sec, what, off, val, link, kind } = job;
  if (val.sub !== null) throw new AsmError(`${what}: %hi/%lo of a symbol difference is not supported`);
  if (link) {
    const v = linkedValue(val, link);
    if (kind === "hi20") patch(sec, off, U_MASK, hi20(v) << 12);
    else if (kind === "lo12i") patch(sec, off, I_MASK, encodeI(lo12(v)));
    else patch(sec, off, S_MASK, encodeS(lo12(v)));
    return;
  }
  rel(job.relocs, kind === "hi20" ? R_RISCV.HI20 : kind === "lo12i" ? R_RISCV.LO12_I : R_RISCV.LO12_S, val.sym!, val.v, off);
}

function resolvePcrelHi(job: Job): void {
  const { sec, what, off, val, link } = job;
  if (val.sub !== null) throw new AsmError(`${what}: %pcrel_hi of a symbol difference is not supported`);
  if (link) {
    patch(sec, off, U_MASK, hi20(linkedValue(val, link) - job.pc) << 12);
    return;
  }
  if (val.sym === null) throw new AsmError(`${what}: %pcrel_hi needs a symbol, not the constant ${val.v}`);
  rel(job.relocs, R_RISCV.PCREL_HI20, val.sym, val.v, off);
}

function resolvePcrelLo(job: Job): void {
  const { sec, what, off, val, link, kind } = job;
  const s = val.sym;
  if (s === null || val.sub !== null || s.state !== "label" || s.section !== sec || val.v !== 0) {
    throw new AsmError(`${what}: %pcrel_lo needs the label of an auipc with %pcrel_hi in the same section`);
  }
  const hi = job.hiByOffset.get(s.value);
  if (hi === undefined) throw new AsmError(`${what}: no %pcrel_hi relocation at '${s.name.replace(/\x02/g, "^B")}'`);
  if (link) {
    const hv = job.asm.fixupValue(sec.fixups, hi);
    let target = hv.v;
    if (hv.sym) target += addressOf(hv.sym, link);
    if (hv.sub) target -= addressOf(hv.sub, link);
    const delta = target - (link.address(sec) + sec.fixups.offset[hi]!);
    if (kind === "pcrel_lo12i") patch(sec, off, I_MASK, encodeI(lo12(delta)));
    else patch(sec, off, S_MASK, encodeS(lo12(delta)));
    return;
  }
  rel(job.relocs, kind === "pcrel_lo12i" ? R_RISCV.PCREL_LO12_I : R_RISCV.PCREL_LO12_S, s, 0, off);
}
