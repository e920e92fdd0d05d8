/** Shared test helpers: assemble with ours, compare object files section by section. */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { assemble, formatDiagnostic, readElf, writeElf, type AssembleOptions, type Program } from "../../riscv-asm/index.ts";
import { tmpFile } from "./reference-tools.ts";

/** Assembles and fails the test with the formatted diagnostics on error. */
export function ours(source: string, options: AssembleOptions = {}): Program {
  const r = assemble(source, options);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (!r.ok || r.program === undefined) expect.fail(`assembly failed:\n${errors.slice(0, 20).map(formatDiagnostic).join("\n")}`);
  return r.program;
}

/** Our relocatable object written to a temporary file. */
export function oursObjectFile(source: string, options: AssembleOptions = {}): string {
  return tmpFile("ours.o", writeElf(ours(source, { ...options, output: "object" })));
}

/** The .text bytes of our object. */
export function oursText(source: string): Uint8Array {
  const p = ours(source, { output: "object" });
  return p.sections.find((s) => s.name === ".text")!.bytes;
}

/**
 * Sections with contents of an object file (read with our ELF reader), by name; excludes
 * the symbol, string, relocation and attribute sections (compared by other means).
 */
export function contentSections(path: string): Map<string, Uint8Array> {
  const elf = readElf(new Uint8Array(readFileSync(path)));
  const out = new Map<string, Uint8Array>();
  for (const s of elf.sections) {
    if (s.name === "" || s.name === ".riscv.attributes" || s.name.startsWith(".rela") || s.name === ".symtab" || s.name === ".strtab" || s.name === ".shstrtab") continue;
    out.set(s.name, s.bytes);
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

/** Asserts two objects have the same sections with the same bytes; reports the first difference. */
export function expectSameSections(oursPath: string, gnuPath: string): void {
  const a = contentSections(oursPath);
  const b = contentSections(gnuPath);
  expect([...a.keys()].sort()).to.deep.equal([...b.keys()].sort(), "section names");
  for (const [name, bytes] of b) {
    const mine = a.get(name)!;
    if (hex(mine) === hex(bytes)) continue;
    let i = 0;
    while (i < mine.length && i < bytes.length && mine[i] === bytes[i]) i++;
    expect.fail(`section ${name} differs at offset 0x${i.toString(16)} (sizes ${mine.length} vs GNU ${bytes.length}): ours ${hex(mine.subarray(i, i + 16))} GNU ${hex(bytes.subarray(i, i + 16))}`);
  }
}

/** Word-by-word comparison with the source line of the first mismatches in the message. */
export function expectSameWords(lines: readonly string[], mine: readonly number[], ref: readonly number[], what: string): void {
  const bad: string[] = [];
  for (let i = 0; i < Math.max(mine.length, ref.length); i++) {
    if (mine[i] !== ref[i]) bad.push(`  ${lines[i] ?? "?"}: ours ${mine[i]?.toString(16).padStart(8, "0")} ${what} ${ref[i]?.toString(16).padStart(8, "0")}`);
  }
  expect(bad.length, `${bad.length} of ${ref.length} words differ from ${what}:\n${bad.slice(0, 20).join("\n")}`).to.equal(0);
  expect(mine.length).to.equal(lines.length);
}
