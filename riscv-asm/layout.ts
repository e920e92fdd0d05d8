/**
 * Layout after the pass: branches whose target is not a label in the same section within
 * +-4 KiB become "inverted branch over a jal" (8 bytes), as GNU as does, and alignment
 * padding is recomputed. Labels, fixups and mapping symbols move with the code.
 */
import { alignPadding, writePadding, type Assembler } from "./assembler.ts";
import { AsmError } from "./diagnostics.ts";
import { evaluate } from "./expr.ts";
import type { Section, VarItem } from "./section.ts";

/** Final position of pass-one offset `pos`, given the size change of each item. */
function mapper(items: readonly VarItem[], nominal: readonly number[]): (pos: number) => number {
  const starts = items.map((i) => i.pos);
  const cum: number[] = [0];
  for (let i = 0; i < items.length; i++) cum.push(cum[i]! + items[i]!.size - nominal[i]!);
  return (pos) => {
    // number of items with start < pos (binary search)
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return pos + cum[lo]!;
  };
}

/** Whether a branch's target lets it stay a 4-byte branch (same section, defined, not weak, in reach). */
function branchFits(asm: Assembler, sec: Section, item: VarItem & { kind: "branch" }, map: (p: number) => number): boolean {
  let v;
  try {
    v = evaluate(item.fixup.expr, asm.env);
  } catch (e) {
    if (e instanceof AsmError) return true; // reported when the fixup is resolved
    throw e;
  }
  if (v.sub !== null || v.sym === null) return true;
  const s = v.sym;
  if (s.state !== "label" || s.section !== sec || s.binding === "weak") return false;
  const delta = map(s.value) + v.v - map(item.pos);
  return delta >= -4096 && delta < 4096;
}

export function layout(asm: Assembler): void {
  for (const sec of asm.sections) {
    if (sec.items.length === 0) continue;
    layoutSection(asm, sec);
  }
}

function layoutSection(asm: Assembler, sec: Section): void {
  const items = sec.items;
  const nominal = items.map((i) => i.size);
  let map = mapper(items, nominal);
  for (let iter = 0; iter < 100; iter++) {
    let changed = false;
    for (const it of items) {
      if (it.kind === "branch") {
        if (it.size === 4 && !branchFits(asm, sec, it, map)) {
          it.size = 8;
          changed = true;
        }
      } else {
        const pad = alignPadding(map(it.pos), it.align, it.maxSkip);
        if (pad !== it.size) {
          it.size = pad;
          changed = true;
        }
      }
      if (changed) map = mapper(items, nominal);
    }
    if (!changed) break;
  }
  if (items.every((it, i) => it.size === nominal[i])) return;
  rebuild(sec, items, nominal, map);
}

function rebuild(sec: Section, items: readonly VarItem[], nominal: readonly number[], map: (p: number) => number): void {
  const old = sec.data;
  const oldSize = sec.size;
  const newSize = map(oldSize);
  const data = new Uint8Array(Math.max(16, newSize));
  let src = 0;
  let dst = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const n = it.pos - src;
    if (sec.type !== "nobits") data.set(old.subarray(src, it.pos), dst);
    dst += n;
    if (it.kind === "branch") {
      const word = sec.read32(it.pos);
      if (it.size === 8) {
        // inverted condition (funct3 bit 0), offset 8, then a jal x0 to the target
        const inv = ((word & 0x01fff07f) ^ 0x1000 | (8 << 7)) >>> 0;
        writeWord(data, dst, inv);
        writeWord(data, dst + 4, 0x6f);
        it.fixup.kind = "jal";
        it.fixup.offset = dst + 4;
      } else {
        writeWord(data, dst, word);
        it.fixup.offset = dst;
      }
      dst += it.size;
      src = it.pos + 4;
    } else {
      if (sec.type !== "nobits") writePadding(data, dst, it.size, it.code, it.fill);
      dst += it.size;
      src = it.pos + nominal[i]!;
    }
  }
  if (sec.type !== "nobits") data.set(old.subarray(src, oldSize), dst);
  // move everything that refers to offsets (branch fixups were placed above)
  const moved = new Set(items.filter((i) => i.kind === "branch").map((i) => (i.kind === "branch" ? i.fixup : null)));
  for (const f of sec.fixups) if (!moved.has(f)) f.offset = map(f.offset);
  for (const s of sec.labels) s.value = map(s.value);
  for (const m of sec.mapping) m.offset = map(m.offset);
  for (const l of sec.listing) {
    const end = map(l.offset + l.size);
    l.offset = map(l.offset);
    l.size = end - l.offset;
  }
  for (const it of items) it.pos = map(it.pos);
  sec.data = data;
  sec.size = newSize;
}

function writeWord(d: Uint8Array, p: number, w: number): void {
  d[p] = w;
  d[p + 1] = w >>> 8;
  d[p + 2] = w >>> 16;
  d[p + 3] = w >>> 24;
}
