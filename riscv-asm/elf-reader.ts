/**
 * ELF32 little-endian reader: sections, symbols, program headers and entry point. Used by the
 * simulators to load programs and find symbols such as `tohost`.
 */
import * as E from "./elf-consts.ts";

export interface ElfSection {
  readonly name: string;
  /** sh_type (E.SHT_*). */
  readonly type: number;
  readonly flags: { readonly alloc: boolean; readonly write: boolean; readonly exec: boolean };
  readonly address: number;
  readonly size: number;
  /** Contents; zero-filled for no-bits sections (.bss). */
  readonly bytes: Uint8Array;
  readonly align: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly binding: "local" | "global" | "weak";
  readonly type: "notype" | "object" | "func" | "section" | "file";
  /** Section name; null when undefined, "*ABS*" for absolute symbols. */
  readonly section: string | null;
}

export interface ElfSegment {
  readonly type: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly memsz: number;
  /** File contents (filesz bytes); the rest up to memsz is zero. */
  readonly bytes: Uint8Array;
  readonly flags: number;
}

export interface ElfFile {
  readonly kind: "relocatable" | "executable" | "other";
  readonly machine: number;
  readonly entry: number;
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
  readonly segments: readonly ElfSegment[];
  /** The first global (else any) symbol with this name. */
  symbol(name: string): ElfSymbol | undefined;
  section(name: string): ElfSection | undefined;
}

/** Malformed ELF input. */
export class ElfError extends Error {}

const BIND: Record<number, ElfSymbol["binding"]> = { 0: "local", 1: "global", 2: "weak" };
const TYPE: Record<number, ElfSymbol["type"]> = { 0: "notype", 1: "object", 2: "func", 3: "section", 4: "file" };

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Parses an ELF32 little-endian file; throws ElfError for anything malformed. */
export function readElf(bytes: Uint8Array): ElfFile {
  if (!isElf(bytes)) throw new ElfError("not an ELF file (bad magic number)");
  if (bytes.length < E.EHDR_SIZE) throw new ElfError("truncated ELF header");
  if (bytes[4] !== 1) throw new ElfError("not a 32-bit ELF file (only ELF32 is supported)");
  if (bytes[5] !== 1) throw new ElfError("not a little-endian ELF file");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => {
    if (o + 2 > bytes.length) throw new ElfError(`truncated ELF file (offset 0x${o.toString(16)})`);
    return dv.getUint16(o, true);
  };
  const u32 = (o: number): number => {
    if (o + 4 > bytes.length) throw new ElfError(`truncated ELF file (offset 0x${o.toString(16)})`);
    return dv.getUint32(o, true);
  };
  const slice = (off: number, size: number, what: string): Uint8Array => {
    if (off + size > bytes.length) throw new ElfError(`${what} extends past the end of the file`);
    return bytes.subarray(off, off + size);
  };
  const etype = u16(16);
  const machine = u16(18);
  const entry = u32(24);
  const phoff = u32(28);
  const shoff = u32(32);
  const phentsize = u16(42);
  const phnum = u16(44);
  const shentsize = u16(46);
  const shnum = u16(48);
  const shstrndx = u16(50);
  if (shnum > 0 && shentsize < E.SHDR_SIZE) throw new ElfError(`bad section header size ${shentsize}`);

  interface RawSh { name: number; type: number; flags: number; addr: number; offset: number; size: number; link: number; info: number; align: number; entsize: number }
  const raw: RawSh[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({ name: u32(o), type: u32(o + 4), flags: u32(o + 8), addr: u32(o + 12), offset: u32(o + 16), size: u32(o + 20), link: u32(o + 24), info: u32(o + 28), align: u32(o + 32), entsize: u32(o + 36) });
  }
  const str = (tab: RawSh | undefined, off: number): string => {
    if (tab === undefined) return "";
    const base = tab.offset + off;
    if (off >= tab.size) throw new ElfError("string table index out of range");
    let end = base;
    while (end < bytes.length && end < tab.offset + tab.size && bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(base, end));
  };
  const shstr = raw[shstrndx];
  const sections: ElfSection[] = raw.map((s) => {
    const nobits = s.type === E.SHT_NOBITS;
    return {
      name: str(shstr, s.name),
      type: s.type,
      flags: { alloc: (s.flags & E.SHF_ALLOC) !== 0, write: (s.flags & E.SHF_WRITE) !== 0, exec: (s.flags & E.SHF_EXECINSTR) !== 0 },
      address: s.addr,
      size: s.size,
      bytes: nobits || s.type === E.SHT_NULL ? new Uint8Array(nobits ? s.size : 0) : slice(s.offset, s.size, "section contents"),
      align: s.align,
    };
  });
  const symbols: ElfSymbol[] = [];
  raw.forEach((s) => {
    if (s.type !== E.SHT_SYMTAB) return;
    const strtab = raw[s.link];
    const n = Math.floor(s.size / E.SYM_SIZE);
    for (let i = 1; i < n; i++) {
      const o = s.offset + i * E.SYM_SIZE;
      const info = bytes[o + 12] ?? 0;
      const shndx = u16(o + 14);
      symbols.push({
        name: str(strtab, u32(o)),
        value: u32(o + 4),
        size: u32(o + 8),
        binding: BIND[info >> 4] ?? "global",
        type: TYPE[info & 15] ?? "notype",
        section: shndx === E.SHN_UNDEF ? null : shndx === E.SHN_ABS ? "*ABS*" : (sections[shndx]?.name ?? null),
      });
    }
  });
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const off = u32(o + 4);
    const filesz = u32(o + 16);
    segments.push({ type: u32(o), vaddr: u32(o + 8), paddr: u32(o + 12), memsz: u32(o + 20), bytes: slice(off, filesz, "segment"), flags: u32(o + 24) });
  }
  const kind = etype === E.ET_REL ? "relocatable" : etype === E.ET_EXEC ? "executable" : "other";
  return {
    kind,
    machine,
    entry,
    sections,
    symbols,
    segments,
    symbol: (name) => symbols.find((s) => s.name === name && s.binding !== "local") ?? symbols.find((s) => s.name === name),
    section: (name) => sections.find((s) => s.name === name),
  };
}
