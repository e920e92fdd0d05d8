/** objdump-style disassembly listings of ELF files and flat binaries. */
import { disassemble, type DisassembleOptions } from "./disasm.ts";
import type { ElfFile } from "./elf-reader.ts";

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}

function word(bytes: Uint8Array, i: number): number {
  return (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
}

/** `addr: word  text` lines for code at `base`; `data` offsets print as .word. */
function lines(bytes: Uint8Array, base: number, opts: DisassembleOptions, labels: Map<number, string[]>, isData: (off: number) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const addr = base + i;
    for (const l of labels.get(addr) ?? []) out.push("", `${hex8(addr)} <${l}>:`);
    const w = word(bytes, i);
    const text = isData(i) ? `.word 0x${hex8(w)}` : disassemble(w, addr, opts);
    out.push(`${hex8(addr)}:\t${hex8(w)}\t${text}`);
  }
  const rest = bytes.length % 4;
  if (rest !== 0) {
    const i = bytes.length - rest;
    out.push(`${hex8(base + i)}:\t${[...bytes.subarray(i)].map((b) => b.toString(16).padStart(2, "0")).join("")}\t.byte ${[...bytes.subarray(i)].map((b) => `0x${b.toString(16)}`).join(",")}`);
  }
  return out;
}

/** Disassembles every code section of an ELF file, with symbol labels. */
export function objdumpListing(elf: ElfFile, opts: DisassembleOptions = {}): string {
  const out: string[] = [];
  elf.sections.forEach((sec) => {
    if (!sec.flags.exec || sec.size === 0) return;
    const labels = new Map<number, string[]>();
    const mapping: { addr: number; data: boolean }[] = [];
    for (const s of elf.symbols) {
      if (s.section !== sec.name) continue;
      if (s.name === "$x" || s.name.startsWith("$x") || s.name === "$d") {
        mapping.push({ addr: s.value, data: s.name === "$d" });
        continue;
      }
      if (s.type === "section" || s.type === "file" || s.name === "" || s.name.startsWith(".L")) continue;
      const list = labels.get(s.value) ?? [];
      list.push(s.name);
      labels.set(s.value, list);
    }
    mapping.sort((a, b) => a.addr - b.addr);
    const isData = (off: number): boolean => {
      let d = false;
      for (const m of mapping) {
        if (m.addr > sec.address + off) break;
        d = m.data;
      }
      return d;
    };
    out.push("", `Disassembly of section ${sec.name}:`);
    out.push(...lines(sec.bytes, sec.address, opts, labels, isData));
  });
  return out.join("\n").replace(/^\n/, "") + "\n";
}

/** Disassembles a flat binary loaded at `base`. */
export function binaryListing(bytes: Uint8Array, base: number, opts: DisassembleOptions = {}): string {
  return lines(bytes, base, opts, new Map(), () => false).join("\n") + "\n";
}
