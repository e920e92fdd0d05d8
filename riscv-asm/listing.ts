/** Listing (address, bytes, source line) and symbol map outputs. */
import type { Assembler } from "./assembler.ts";
import type { Program } from "./program.ts";

export interface ListingLine {
  readonly file: string;
  readonly line: number;
  readonly section: string;
  readonly address: number;
  readonly bytes: Uint8Array;
  readonly source: string;
}

export function makeListing(asm: Assembler, program: Program): ListingLine[] {
  const out: ListingLine[] = [];
  for (const sec of asm.sections) {
    const ps = program.sections.find((s) => s.name === sec.name)!;
    for (const l of sec.listing) {
      out.push({ file: l.loc.file, line: l.loc.line, section: sec.name, address: ps.address + l.offset, bytes: ps.bytes.slice(l.offset, l.offset + l.size), source: l.loc.text });
    }
  }
  return out;
}

function hex(v: number, w: number): string {
  return (v >>> 0).toString(16).padStart(w, "0");
}

/** Text listing: `addr  bytes (4 per line, more on continuation lines)  source`. */
export function formatListing(lines: readonly ListingLine[]): string {
  const out: string[] = [];
  let lastKey = "";
  for (const l of lines) {
    const key = `${l.file}:${l.line}`;
    const src = key === lastKey ? "" : `${String(l.line).padStart(5)}  ${l.source}`;
    lastKey = key;
    const chunks: string[] = [];
    for (let i = 0; i < Math.max(1, l.bytes.length); i += 4) {
      chunks.push([...l.bytes.subarray(i, i + 4)].map((b) => hex(b, 2)).join(""));
    }
    out.push(`${hex(l.address, 8)} ${chunks[0]!.padEnd(8)}  ${src}`.trimEnd());
    for (let i = 1; i < chunks.length; i++) out.push(`${hex(l.address + i * 4, 8)} ${chunks[i]!}`);
  }
  return out.join("\n") + "\n";
}

/** Symbol map: `address size binding type section name`, sorted by address. */
export function formatSymbolMap(program: Program): string {
  const syms = [...program.symbols].filter((s) => s.section !== null).sort((a, b) => a.value - b.value || a.name.localeCompare(b.name));
  return syms.map((s) => `${hex(s.value, 8)} ${hex(s.size, 8)} ${s.binding.padEnd(6)} ${s.type.padEnd(6)} ${(s.section ?? "").padEnd(12)} ${s.name}`).join("\n") + "\n";
}
