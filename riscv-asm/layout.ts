/**
 * Layout after the pass: branches whose target is not a label in the same section within
 * +-4 KiB become "inverted branch over a jal" (8 bytes), as GNU as does, and alignment
 * padding is recomputed. Everything that refers to a section offset remembers how many
 * variable-size items preceded it, so its final offset is `offset + growth of those items`.
 */
import { alignPadding, writePadding, type Assembler } from "./assembler.ts";
import { AsmError } from "./diagnostics.ts";
import type { RelaxItem, Section } from "./section.ts";
import type { Sym } from "./symbols.ts";

/** growth[i] = total size change of items 0..i-1. */
function growth(sec: Section, nominal: readonly number[]): number[] {
  const g = [0];
  for (let i = 0; i < sec.items.length; i++) g.push(g[i]! + sec.items[i]!.size - nominal[i]!);
  return g;
}

/** Whether a branch's target lets it stay a 4-byte branch (same section, defined, not weak, in reach). */
function branchFits(asm: Assembler, sec: Section, item: RelaxItem, index: number, g: readonly number[]): boolean {
  // the common case without evaluating: the target is a symbol (not an .equ), which is what
  // fixupValue would return (this runs once per branch, mostly before being optimized)
  const t = sec.fixups.target[item.fixup]!;
  if (t !== null && t.state !== "equ") return inReach(t, 0, sec, item, index, g);
  let v;
  try {
    v = asm.fixupValue(sec.fixups, item.fixup);
  } catch (e) {
    if (e instanceof AsmError) return true; // reported when the fixup is resolved
    throw e;
  }
  if (v.sub !== null || v.sym === null) return true;
  return inReach(v.sym, v.v, sec, item, index, g);
}

/** Whether `s + addend` is a label of `sec` (not weak) that the branch at items[index] reaches. */
function inReach(s: Sym, addend: number, sec: Section, item: RelaxItem, index: number, g: readonly number[]): boolean {
  if (s.state !== "label" || s.section !== sec || s.binding === "weak") return false;
  const delta = s.value + g[s.itemIndex]! + addend - (item.pos + g[index]!);
  return delta >= -4096 && delta < 4096;
}

/** Pads the end of every code section to its alignment with nops, as GNU as does. */
export function padCodeSections(asm: Assembler): void {
  const save = asm.cur;
  for (const sec of asm.sections) {
    if (!sec.flags.exec || sec.align <= 1 || sec.type === "nobits") continue;
    asm.cur = sec;
    asm.alignTo(sec.align, undefined, 0);
  }
  asm.cur = save;
}

export function layout(asm: Assembler): void {
  for (const sec of asm.sections) if (sec.items.length > 0) layoutSection(asm, sec);
}

function layoutSection(asm: Assembler, sec: Section): void {
  const items = sec.items;
  const nominal = items.map((i) => i.size);
  let g = growth(sec, nominal);
  for (let iter = 0; iter < 100; iter++) {
    let changed = false;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (it.kind === "branch") {
        if (it.size === 4 && !branchFits(asm, sec, it, i, g)) {
          it.size = 8;
          changed = true;
        }
      } else {
        const pad = alignPadding(it.pos + g[i]!, it.align, it.maxSkip);
        if (pad !== it.size) {
          it.size = pad;
          changed = true;
        }
      }
    }
    if (!changed) break;
    g = growth(sec, nominal);
  }
  if (g[g.length - 1] === 0 && items.every((it, i) => it.size === nominal[i])) return;
  rebuild(sec, nominal, g);
}

function rebuild(sec: Section, nominal: readonly number[], g: readonly number[]): void {
  const items = sec.items;
  const old = sec.data;
  const oldSize = sec.size;
  const newSize = oldSize + g[items.length]!;
  const data = new Uint8Array(Math.max(16, newSize));
  const nobits = sec.type === "nobits";
  let src = 0;
  let dst = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (!nobits) data.set(old.subarray(src, it.pos), dst);
    dst += it.pos - src;
    if (it.kind === "branch") {
      const word = sec.read32(it.pos);
      if (it.size === 8) {
        // inverted condition (funct3 bit 0) jumping over the next word, then jal x0 to the target
        writeWord(data, dst, (((word & 0x01fff07f) ^ 0x1000) | (8 << 7)) >>> 0);
        writeWord(data, dst + 4, 0x6f);
      } else writeWord(data, dst, word);
      src = it.pos + 4;
    } else {
      if (!nobits) writePadding(data, dst, it.size, it.code, it.fill);
      src = it.pos + nominal[i]!;
    }
    dst += it.size;
  }
  if (!nobits) data.set(old.subarray(src, oldSize), dst);
  const fixups = sec.fixups;
  const offsets = fixups.offset;
  const itemIndex = fixups.itemIndex;
  for (let i = 0; i < fixups.length; i++) offsets[i] += g[itemIndex[i]!]!;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it.kind === "branch" && it.size === 8) {
      fixups.kind[it.fixup] = "jal";
      offsets[it.fixup] += 4;
    }
  }
  const labels = sec.labels;
  for (let i = 0; i < labels.length; i++) labels[i]!.value += g[labels[i]!.itemIndex]!;
  for (const m of sec.mapping) m.offset += g[m.itemIndex]!;
  for (const l of sec.listing) l.size = l.size + listingGrowth(g, l.itemIndex, l.offset, l.size, items);
  for (const l of sec.listing) l.offset += g[l.itemIndex]!;
  for (let i = 0; i < items.length; i++) items[i]!.pos += g[i]!;
  sec.data = data;
  sec.size = newSize;
}

/** Size change of a listing record: growth of the items inside it. */
function listingGrowth(g: readonly number[], first: number, offset: number, size: number, items: Section["items"]): number {
  let last = first;
  while (last < items.length && items[last]!.pos < offset + size) last++;
  return g[last]! - g[first]!;
}

function writeWord(d: Uint8Array, p: number, w: number): void {
  d[p] = w;
  d[p + 1] = w >>> 8;
  d[p + 2] = w >>> 16;
  d[p + 3] = w >>> 24;
}
