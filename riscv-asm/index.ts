/**
 * riscv-asm: a GNU-as compatible RISC-V assembler (RV32IMA, Zicsr, Zifencei, RVV 1.0 Zve32x),
 * disassembler and ELF reader/writer. No dependency on the rest of tsrtl.
 *
 *   const r = assemble(source, { file: "prog.s" });          // never throws for bad input
 *   if (!r.ok) r.diagnostics.map(formatDiagnostic) ...        // file:line:col, line, caret
 *   const elf = writeElf(r.program!);                         // linked executable (or object)
 *   const image = readElf(elf); image.symbol("tohost")        // sections, symbols, entry
 *   disassemble(0x00150513, 0x80000000)                       // "add a0,a0,1" (objdump style)
 */
export { assemble, type AssembleOptions, type AssembleResult } from "./assemble.ts";
export { formatDiagnostic, type Diagnostic } from "./diagnostics.ts";
export type { Program, ProgramSection, ProgramSymbol, ProgramRelocation } from "./program.ts";
export type { Binding, SymbolType } from "./symbols.ts";
export { writeElf } from "./elf-writer.ts";
export { readElf, isElf, ElfError, type ElfFile, type ElfSection, type ElfSymbol, type ElfSegment } from "./elf-reader.ts";
export { DEFAULT_TEXT_BASE, type MemoryMap } from "./link.ts";
export { formatListing, formatSymbolMap, type ListingLine } from "./listing.ts";
export { toBinary, toHex } from "./output.ts";
export { disassemble, tryDisassemble, type DisassembleOptions } from "./disasm.ts";
export { objdumpListing, binaryListing } from "./objdump.ts";
export { R_RISCV, relocName } from "./relocs.ts";
export { ALL_INSNS, INSNS_BY_NAME, type InsnSpec, type OperandKind, type Extension } from "./isa/index.ts";
