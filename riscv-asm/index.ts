/**
 * riscv-asm: a GNU-as compatible RISC-V assembler (RV32IMA, Zicsr, Zifencei, RVV 1.0 Zve32x),
 * disassembler and ELF reader/writer. No dependency on the rest of tsrtl.
 */
export { assemble, type AssembleOptions, type AssembleResult } from "./assemble.ts";
export { formatDiagnostic, type Diagnostic } from "./diagnostics.ts";
export type { Program, ProgramSection, ProgramSymbol, ProgramRelocation } from "./program.ts";
export { writeElf } from "./elf-writer.ts";
export { DEFAULT_TEXT_BASE, type MemoryMap } from "./link.ts";
export { formatListing, formatSymbolMap, type ListingLine } from "./listing.ts";
export { readElf, isElf, ElfError, type ElfFile, type ElfSection, type ElfSymbol, type ElfSegment } from "./elf-reader.ts";
export { disassemble, tryDisassemble, type DisassembleOptions } from "./disasm.ts";
export { toBinary, toHex } from "./output.ts";
export { objdumpListing, binaryListing } from "./objdump.ts";
