/** Shared helpers for the PE tests: assemble sources into loadable programs. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assemble, formatDiagnostic, writeElf } from "../../riscv-asm/index.ts";
import { programFromElf, type LoadedProgram } from "../../hw/pe/runner.ts";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "pe");
export const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples");

/** Assembles source text to an ELF image; throws with the diagnostics on error. */
export function assembleElf(source: string, file: string): Uint8Array {
  const r = assemble(source, { file, includeDirs: [dirname(file)] });
  if (!r.ok || r.program === undefined) throw new Error(`assembly of ${file} failed:\n${r.diagnostics.map(formatDiagnostic).join("\n")}`);
  return writeElf(r.program);
}

export function assembleProgram(source: string, file: string): LoadedProgram {
  return programFromElf(assembleElf(source, file));
}

export function fixtureProgram(name: string): LoadedProgram {
  const file = join(FIXTURES, name);
  return assembleProgram(readFileSync(file, "utf8"), file);
}
