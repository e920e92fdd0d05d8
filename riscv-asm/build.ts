/** From a finished assembly to a Program (object or linked executable). */
import type { Assembler } from "./assembler.ts";
import { AsmError } from "./diagnostics.ts";
import { evaluate } from "./expr.ts";
import { layout, padCodeSections } from "./layout.ts";
import { placeSections, type MemoryMap } from "./link.ts";
import type { Program, ProgramSection, ProgramSymbol } from "./program.ts";
import { resolveFixups, type Relocations } from "./resolve.ts";
import type { Section } from "./section.ts";
import type { Sym } from "./symbols.ts";

/** Checks for unterminated constructs at the end of input. */
export function finishInput(asm: Assembler): void {
  asm.macros.checkEnd();
  const open = asm.conds[0];
  if (open !== undefined) asm.diag("error", `missing .endif for this .if (${asm.conds.length} still open at end of input)`, open.loc, open.col);
}

function keepSymbol(s: Sym, kind: Program["kind"]): boolean {
  if (s.usedInReloc && kind === "object") return true;
  if (s.internal) return false;
  if (!s.defined) return kind === "object" && (s.binding !== "local" || s.bindingExplicit);
  if (s.name.startsWith(".L")) return false;
  return true;
}

function symbolSize(asm: Assembler, s: Sym): number {
  if (s.size === null) return 0;
  try {
    const v = evaluate(s.size, asm.env);
    if (v.sym === null && v.sub === null) return v.v;
    if (v.sym && v.sub && v.sym.state === "label" && v.sub.state === "label" && v.sym.section === v.sub.section) return v.sym.value - v.sub.value + v.v;
    throw new AsmError(`.size of '${s.name}' is not a constant`);
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    asm.diag("error", e.message, s.defLoc ?? asm.lastLoc, 0);
    return 0;
  }
}

/** Lays out, resolves and packages the assembly. */
export function buildProgram(asm: Assembler, kind: Program["kind"], map: MemoryMap): Program {
  padCodeSections(asm);
  layout(asm);
  let addresses: Map<Section, number>;
  if (kind === "executable") {
    try {
      addresses = placeSections(asm.sections, map);
    } catch (e) {
      asm.diag("error", (e as Error).message, asm.lastLoc, 0);
      addresses = new Map(asm.sections.map((s) => [s, 0]));
    }
  } else addresses = new Map(asm.sections.map((s) => [s, 0]));
  const relocs: Map<Section, Relocations> =
    kind === "object" ? resolveFixups(asm, { kind: "object" }) : resolveFixups(asm, { kind: "link", address: (s) => addresses.get(s)! });

  // symbols: locals first (ELF order), then globals and weaks, each in table order
  const locals: Sym[] = [];
  const others: Sym[] = [];
  // indexed loops over the large arrays here and in resolve/layout/elf-writer: these run once,
  // mostly before being optimized, where for-of allocates an iterator result per element
  const all = asm.symbols.all();
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    if (kind === "executable" && !s.defined && s.binding !== "local") {
      if (!s.usedInReloc) continue;
    }
    if (keepSymbol(s, kind)) (s.binding === "local" ? locals : others).push(s);
  }
  const kept = locals.concat(others);
  const symbols: ProgramSymbol[] = kept.map((s, i) => {
    s.programIndex = i;
    const inSection = s.state === "label" && s.section !== null;
    return {
      name: s.elfName,
      value: inSection ? addresses.get(s.section!)! + s.value : s.state === "equ" ? equValue(asm, s) : 0,
      size: symbolSize(asm, s),
      binding: s.binding,
      type: s.type,
      section: inSection ? s.section!.name : s.state === "equ" ? "*ABS*" : null,
    };
  });

  const sections: ProgramSection[] = asm.sections.map((sec) => {
    const r = relocs.get(sec);
    const rs = r?.items ?? [];
    for (let i = 0; i < rs.length; i++) rs[i]!.symbol = r!.syms[i]!.programIndex;
    const bytes = sec.type === "nobits" ? new Uint8Array(sec.size) : sec.data.slice(0, sec.size);
    return {
      name: sec.name,
      type: sec.type,
      flags: { ...sec.flags },
      address: addresses.get(sec)!,
      align: sec.align,
      bytes,
      size: sec.size,
      relocations: rs,
      mapping: sec.mapping.filter((m) => m.offset < sec.size || sec.mapping.length === 1).map((m) => ({ ...m })),
    };
  });

  let entry = 0;
  if (kind === "executable") {
    const start = asm.symbols.find("_start");
    if (start !== undefined && start.state === "label") entry = addresses.get(start.section!)! + start.value;
    else {
      const code = [...asm.sections].filter((s) => s.flags.exec && s.flags.alloc && s.size > 0).sort((a, b) => addresses.get(a)! - addresses.get(b)!)[0];
      entry = code !== undefined ? addresses.get(code)! : 0;
    }
  }
  return { kind, sections, symbols, entry };
}

function equValue(asm: Assembler, s: Sym): number {
  if (s.expr === null) return s.value;
  try {
    const v = evaluate(s.expr, asm.env);
    return v.v;
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    asm.diag("error", `symbol '${s.name}': ${e.message}`, s.defLoc ?? asm.lastLoc, 0);
    return 0;
  }
}
