/** The library entry point: source text in, program (or diagnostics) out. Never throws for bad input. */
import { existsSync, statSync } from "node:fs";
import { readText } from "./read-text.ts";
import { Assembler, type AssemblerOptions } from "./assembler.ts";
import { buildProgram, finishInput } from "./build.ts";
import type { Diagnostic } from "./diagnostics.ts";
import type { MemoryMap } from "./link.ts";
import type { Program } from "./program.ts";
import { makeListing, type ListingLine } from "./listing.ts";

export interface AssembleOptions extends AssemblerOptions, MemoryMap {
  /** "executable" (default): sections placed and everything resolved; "object": relocatable. */
  output?: "executable" | "object";
}

export interface AssembleResult {
  /** True when there are no errors (warnings allowed). */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** The program; present when ok. */
  readonly program?: Program;
  /** Listing lines (when options.listing). */
  readonly listing?: readonly ListingLine[];
}

function defaultReadFile(path: string): string | undefined {
  try {
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    return readText(path);
  } catch {
    return undefined;
  }
}

/** Assembles RISC-V source text. */
export function assemble(source: string, options: AssembleOptions = {}): AssembleResult {
  const file = options.file ?? "<input>";
  const asm = new Assembler({ ...options, file, readFile: options.readFile ?? defaultReadFile });
  try {
    asm.assembleText(source, file);
    finishInput(asm);
    const program = asm.errorCount === 0 ? buildProgram(asm, options.output ?? "executable", options) : undefined;
    const ok = asm.errorCount === 0;
    const listing = options.listing && program ? makeListing(asm, program) : undefined;
    return { ok, diagnostics: asm.diagnostics, ...(ok && program ? { program } : {}), ...(listing ? { listing } : {}) };
  } catch (e) {
    // A bug, not bad input: still report it as a diagnostic rather than crash the caller.
    const msg = e instanceof Error ? e.message : String(e);
    const d: Diagnostic = { severity: "error", file: asm.lastLoc.file || file, line: asm.lastLoc.line, col: 1, message: `internal error: ${msg}`, sourceLine: asm.lastLoc.text };
    return { ok: false, diagnostics: [...asm.diagnostics, d] };
  }
}
