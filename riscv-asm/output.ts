/** Flat binary and `$readmemh` hex images of a linked program. */
import type { Program } from "./program.ts";

/** Allocated sections with contents, lowest address first. */
function loadable(program: Program): { address: number; bytes: Uint8Array }[] {
  return program.sections
    .filter((s) => s.flags.alloc && s.type === "progbits" && s.size > 0)
    .map((s) => ({ address: s.address, bytes: s.bytes }))
    .sort((a, b) => a.address - b.address);
}

/** Flat binary: from the lowest loaded address to the highest, gaps filled with zeros. */
export function toBinary(program: Program): { base: number; bytes: Uint8Array } {
  const parts = loadable(program);
  if (parts.length === 0) return { base: 0, bytes: new Uint8Array(0) };
  const base = parts[0]!.address;
  const end = Math.max(...parts.map((p) => p.address + p.bytes.length));
  if (end - base > 512 * 1024 * 1024) throw new Error(`flat binary would be ${end - base} bytes (sections are far apart); use --format elf or hex`);
  const out = new Uint8Array(end - base);
  for (const p of parts) out.set(p.bytes, p.address - base);
  return { base, bytes: out };
}

/**
 * Hex for Verilog `$readmemh`: one 32-bit little-endian word per line, `@index` lines giving
 * the word index (byte address / 4) where each contiguous block starts.
 */
export function toHex(program: Program): string {
  const lines: string[] = [];
  let next = -1;
  for (const p of loadable(program)) {
    const first = Math.floor(p.address / 4);
    const pad = p.address % 4;
    const words = Math.ceil((pad + p.bytes.length) / 4);
    if (first !== next) lines.push(`@${first.toString(16).padStart(8, "0")}`);
    for (let i = 0; i < words; i++) {
      let w = 0;
      for (let b = 3; b >= 0; b--) {
        const idx = i * 4 + b - pad;
        w = (w << 8) | (idx >= 0 && idx < p.bytes.length ? p.bytes[idx]! : 0);
      }
      lines.push((w >>> 0).toString(16).padStart(8, "0"));
    }
    next = first + words;
  }
  return lines.join("\n") + "\n";
}
