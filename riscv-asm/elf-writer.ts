/**
 * ELF32 little-endian RISC-V writer: relocatable objects (ET_REL, with .rela sections) and
 * linked executables (ET_EXEC, one PT_LOAD per allocated section). Readable by GNU
 * readelf/objdump and llvm-objdump.
 */
import * as E from "./elf-consts.ts";
import type { Program, ProgramRelocation, ProgramSection } from "./program.ts";

/** The architecture string recorded in .riscv.attributes (objdump uses it to pick the decoder). */
export const ARCH_STRING = "rv32i2p1_m2p0_a2p1_zicsr2p0_zifencei2p0_zve32x1p0_zvl32b1p0";

class Buf {
  private data = new Uint8Array(4096);
  size = 0;
  /** Makes room for n more bytes (doubling, so appending stays linear). */
  private ensure(n: number): void {
    if (this.size + n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.size + n) cap *= 2;
    const d = new Uint8Array(cap);
    d.set(this.data.subarray(0, this.size));
    this.data = d;
  }
  u8(v: number): void {
    this.ensure(1);
    this.data[this.size++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    const d = this.data;
    const p = this.size;
    d[p] = v;
    d[p + 1] = v >>> 8;
    this.size = p + 2;
  }
  u32(v: number): void {
    this.ensure(4);
    const d = this.data;
    const p = this.size;
    d[p] = v;
    d[p + 1] = v >>> 8;
    d[p + 2] = v >>> 16;
    d[p + 3] = v >>> 24;
    this.size = p + 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.data.set(b, this.size);
    this.size += b.length;
  }
  /** A NUL-terminated UTF-8 string. */
  cString(s: string): void {
    const n = s.length;
    this.ensure(n + 1);
    const d = this.data;
    let p = this.size;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // rare (symbol names are ASCII): let the encoder handle the whole string
        this.bytes(ENCODER.encode(s + "\0"));
        return;
      }
      d[p++] = c;
    }
    d[p++] = 0;
    this.size = p;
  }
  alignTo(a: number): void {
    while (this.size % a !== 0) this.u8(0);
  }
  result(): Uint8Array {
    return this.data.slice(0, this.size);
  }
}

const ENCODER = new TextEncoder();

class StrTab {
  private readonly buf = new Buf();
  private readonly seen = new Map<string, number>();
  constructor() {
    this.buf.u8(0);
  }
  add(s: string): number {
    if (s === "") return 0;
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    const at = this.buf.size;
    this.buf.cString(s);
    this.seen.set(s, at);
    return at;
  }
  bytes(): Uint8Array {
    return this.buf.result();
  }
}

function attributes(): Uint8Array {
  const arch = ENCODER.encode(ARCH_STRING + "\0");
  const fileSub = 1 + 4 + 1 + arch.length; // tag, size, Tag_RISCV_arch(5), string
  const vendor = ENCODER.encode("riscv\0");
  const total = 4 + vendor.length + fileSub;
  const b = new Buf();
  b.u8(0x41);
  b.u32(total);
  b.bytes(vendor);
  b.u8(1);
  b.u32(fileSub);
  b.u8(5);
  b.bytes(arch);
  return b.result();
}

interface OutSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  data: Uint8Array;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
  offset: number;
}

const BINDING = { local: E.STB_LOCAL, global: E.STB_GLOBAL, weak: E.STB_WEAK };
const TYPE = { notype: E.STT_NOTYPE, object: E.STT_OBJECT, func: E.STT_FUNC, section: E.STT_SECTION, file: E.STT_FILE };

function sectionType(s: ProgramSection): number {
  if (s.type === "nobits") return E.SHT_NOBITS;
  if (s.name === ".init_array") return E.SHT_INIT_ARRAY;
  if (s.name === ".fini_array") return E.SHT_FINI_ARRAY;
  return E.SHT_PROGBITS;
}

const PAGE = 0x1000;

interface LoadGroup {
  address: number;
  sections: ProgramSection[];
  fileSize: number;
  memSize: number;
  flags: number;
  offset: number;
}

/** Allocated sections in address order, grouped into segments (gaps under 64 KiB are filled). */
function loadGroups(sections: readonly ProgramSection[]): LoadGroup[] {
  const alloc = sections.filter((s) => s.flags.alloc && s.size > 0).sort((a, b) => a.address - b.address);
  const groups: LoadGroup[] = [];
  for (const s of alloc) {
    const last = groups[groups.length - 1];
    const end = last ? last.address + last.memSize : 0;
    // a no-bits section may only end a segment: anything after it starts a new one
    const lastNobits = last ? last.sections[last.sections.length - 1]!.type === "nobits" : false;
    if (last && !lastNobits && s.address >= end && s.address - end < 0x10000) {
      last.sections.push(s);
      last.memSize = s.address + s.size - last.address;
      if (s.type !== "nobits") last.fileSize = last.memSize;
    } else {
      groups.push({ address: s.address, sections: [s], memSize: s.size, fileSize: s.type === "nobits" ? 0 : s.size, flags: 0, offset: 0 });
    }
    const g = groups[groups.length - 1]!;
    g.flags |= E.PF_R | (s.flags.write ? E.PF_W : 0) | (s.flags.exec ? E.PF_X : 0);
  }
  return groups;
}

/**
 * The symbol table: null, section symbols (objects), mapping symbols, program symbols; and
 * each program symbol's index in it. Its own function, as is relaData: large loops that run
 * once, in small functions, are optimized sooner and at less cost than inside writeElf.
 */
function symbolTable(program: Program, sections: readonly ProgramSection[], secIndex: ReadonlyMap<string, number>, exec: boolean): { symData: Uint8Array; strData: Uint8Array; symIndex: number[]; firstGlobal: number } {
  // its size is known, so entries are written in place
  const strtab = new StrTab();
  let symCount = 1 + (exec ? 0 : sections.length) + program.symbols.length;
  for (const s of sections) symCount += s.mapping.length;
  const symData = new Uint8Array(symCount * E.SYM_SIZE);
  const symView = new DataView(symData.buffer);
  const symIndex: number[] = [];
  let count = 0;
  const sym = (name: string, value: number, size: number, bind: number, type: number, shndx: number): void => {
    const p = count * E.SYM_SIZE;
    symView.setUint32(p, strtab.add(name), true);
    symView.setUint32(p + 4, value, true);
    symView.setUint32(p + 8, size, true);
    symData[p + 12] = (bind << 4) | type;
    symView.setUint16(p + 14, shndx, true);
    count++;
  };
  sym("", 0, 0, 0, 0, 0);
  if (!exec) for (const s of sections) sym("", 0, 0, E.STB_LOCAL, E.STT_SECTION, secIndex.get(s.name)!);
  for (const s of sections) {
    const shndx = secIndex.get(s.name)!;
    for (let i = 0; i < s.mapping.length; i++) sym(s.mapping[i]!.kind, s.address + s.mapping[i]!.offset, 0, E.STB_LOCAL, E.STT_NOTYPE, shndx);
  }
  let firstGlobal = -1;
  const symbols = program.symbols;
  for (let i = 0; i < symbols.length; i++) {
    const p = symbols[i]!;
    const bind = BINDING[p.binding];
    if (bind !== E.STB_LOCAL && firstGlobal < 0) firstGlobal = count;
    const shndx = p.section === null ? E.SHN_UNDEF : p.section === "*ABS*" ? E.SHN_ABS : (secIndex.get(p.section) ?? E.SHN_ABS);
    symIndex[i] = count;
    sym(p.name, p.value, p.size, bind, TYPE[p.type], shndx);
  }
  if (firstGlobal < 0) firstGlobal = count;
  return { symData, strData: strtab.bytes(), symIndex, firstGlobal };
}

/** The contents of a .rela section. */
function relaData(relocs: readonly ProgramRelocation[], symIndex: readonly number[]): Uint8Array {
  const data = new Uint8Array(relocs.length * E.RELA_SIZE);
  const view = new DataView(data.buffer);
  for (let i = 0; i < relocs.length; i++) {
    const rel = relocs[i]!;
    const p = i * E.RELA_SIZE;
    view.setUint32(p, rel.offset, true);
    view.setUint32(p + 4, (symIndex[rel.symbol]! << 8) | rel.type, true);
    view.setInt32(p + 8, rel.addend, true);
  }
  return data;
}

/** Serialises a Program as an ELF file (ET_REL for objects, ET_EXEC for executables). */
export function writeElf(program: Program): Uint8Array {
  const exec = program.kind === "executable";
  const sections = exec ? program.sections.filter((s) => s.size > 0 || s.name === ".text") : program.sections;
  const out: OutSection[] = [{ name: "", type: E.SHT_NULL, flags: 0, addr: 0, data: new Uint8Array(0), size: 0, link: 0, info: 0, align: 0, entsize: 0, offset: 0 }];
  const secIndex = new Map<string, number>();
  const relaFor: { out: OutSection; sec: ProgramSection }[] = [];
  for (const s of sections) {
    const flags = (s.flags.alloc ? E.SHF_ALLOC : 0) | (s.flags.write ? E.SHF_WRITE : 0) | (s.flags.exec ? E.SHF_EXECINSTR : 0);
    secIndex.set(s.name, out.length);
    out.push({ name: s.name, type: sectionType(s), flags, addr: s.address, data: s.type === "nobits" ? new Uint8Array(0) : s.bytes, size: s.size, link: 0, info: 0, align: s.align, entsize: 0, offset: 0 });
    if (!exec && s.relocations.length > 0) {
      const r: OutSection = { name: `.rela${s.name}`, type: E.SHT_RELA, flags: E.SHF_INFO_LINK, addr: 0, data: new Uint8Array(0), size: 0, link: 0, info: out.length - 1, align: 4, entsize: E.RELA_SIZE, offset: 0 };
      out.push(r);
      relaFor.push({ out: r, sec: s });
    }
  }
  const attr = attributes();
  out.push({ name: ".riscv.attributes", type: E.SHT_RISCV_ATTRIBUTES, flags: 0, addr: 0, data: attr, size: attr.length, link: 0, info: 0, align: 1, entsize: 0, offset: 0 });

  const { symData, strData, symIndex, firstGlobal } = symbolTable(program, sections, secIndex, exec);
  const symtabIndex = out.length;
  out.push({ name: ".symtab", type: E.SHT_SYMTAB, flags: 0, addr: 0, data: symData, size: symData.length, link: symtabIndex + 1, info: firstGlobal, align: 4, entsize: E.SYM_SIZE, offset: 0 });
  out.push({ name: ".strtab", type: E.SHT_STRTAB, flags: 0, addr: 0, data: strData, size: strData.length, link: 0, info: 0, align: 1, entsize: 0, offset: 0 });
  for (const { out: r, sec } of relaFor) {
    const data = relaData(sec.relocations, symIndex);
    r.data = data;
    r.size = data.length;
    r.link = symtabIndex;
  }
  const shstr = new StrTab();
  const nameOff = out.map((s) => shstr.add(s.name));
  const shstrIndex = out.length;
  nameOff.push(shstr.add(".shstrtab"));
  const shDataFinal = shstr.bytes();
  out.push({ name: ".shstrtab", type: E.SHT_STRTAB, flags: 0, addr: 0, data: shDataFinal, size: shDataFinal.length, link: 0, info: 0, align: 1, entsize: 0, offset: 0 });

  // file layout. Executables: allocated sections are grouped into PT_LOAD segments (sections
  // less than 64 KiB apart share one), each at a file offset congruent to its address modulo
  // the 4 KiB page size, as loaders (qemu-user, Linux) require.
  const groups = exec ? loadGroups(sections) : [];
  const b = new Buf();
  const phoff = exec ? E.EHDR_SIZE : 0;
  b.bytes(new Uint8Array(E.EHDR_SIZE + groups.length * E.PHDR_SIZE)); // headers, filled in below
  for (const g of groups) {
    while (b.size % PAGE !== g.address % PAGE) b.u8(0);
    g.offset = b.size;
    const image = new Uint8Array(g.fileSize);
    for (const sec of g.sections) {
      const o = out[secIndex.get(sec.name)!]!;
      o.offset = g.offset + (sec.address - g.address);
      if (sec.type !== "nobits") image.set(sec.bytes, sec.address - g.address);
    }
    b.bytes(image);
  }
  for (let i = 1; i < out.length; i++) {
    const s = out[i]!;
    if (exec && s.flags & E.SHF_ALLOC) continue; // placed with its segment
    if (s.type === E.SHT_NOBITS) {
      s.offset = b.size;
      continue;
    }
    b.alignTo(Math.max(1, s.align));
    s.offset = b.size;
    b.bytes(s.data);
  }
  b.alignTo(4);
  const shoff = b.size;
  out.forEach((s, i) => {
    b.u32(nameOff[i]!);
    b.u32(s.type);
    b.u32(s.flags);
    b.u32(s.addr >>> 0);
    b.u32(s.offset);
    b.u32(s.type === E.SHT_NOBITS ? s.size : s.data.length);
    b.u32(s.link);
    b.u32(s.info);
    b.u32(s.align);
    b.u32(s.entsize);
  });
  const file = b.result();
  const h = new DataView(file.buffer, file.byteOffset, file.byteLength);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  h.setUint16(16, exec ? E.ET_EXEC : E.ET_REL, true);
  h.setUint16(18, E.EM_RISCV, true);
  h.setUint32(20, 1, true);
  h.setUint32(24, program.entry >>> 0, true);
  h.setUint32(28, phoff, true);
  h.setUint32(32, shoff, true);
  h.setUint32(36, 0, true); // e_flags: no RVC, soft-float ABI
  h.setUint16(40, E.EHDR_SIZE, true);
  h.setUint16(42, exec ? E.PHDR_SIZE : 0, true);
  h.setUint16(44, groups.length, true);
  h.setUint16(46, E.SHDR_SIZE, true);
  h.setUint16(48, out.length, true);
  h.setUint16(50, shstrIndex, true);
  groups.forEach((g, i) => {
    const p = E.EHDR_SIZE + i * E.PHDR_SIZE;
    h.setUint32(p, E.PT_LOAD, true);
    h.setUint32(p + 4, g.offset, true);
    h.setUint32(p + 8, g.address >>> 0, true);
    h.setUint32(p + 12, g.address >>> 0, true);
    h.setUint32(p + 16, g.fileSize, true);
    h.setUint32(p + 20, g.memSize, true);
    h.setUint32(p + 24, g.flags, true);
    h.setUint32(p + 28, PAGE, true);
  });
  return file;
}
