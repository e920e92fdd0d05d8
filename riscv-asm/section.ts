/**
 * A section being assembled: a growable byte buffer, the fixups to patch at the end, and the
 * variable-size items (relaxable branches, alignment) that layout may resize.
 */
import type { SourceLocation } from "./diagnostics.ts";
import type { Sym } from "./symbols.ts";
import { FixupTable } from "./fixups.ts";
import { emptyArray } from "./empty-array.ts";

export interface SectionFlags {
  alloc: boolean;
  write: boolean;
  exec: boolean;
}

/** A branch that layout may turn into "inverted branch + jal" when its target is out of reach. */
export interface RelaxItem {
  readonly kind: "branch";
  pos: number;
  /** Index of its fixup in the section's fixups. */
  readonly fixup: number;
  /** 4 (as written) or 8 (expanded). */
  size: number;
}

/** An alignment whose padding layout recomputes. */
export interface AlignItem {
  readonly kind: "align";
  pos: number;
  readonly align: number;
  readonly fill: number;
  readonly fillSize: number;
  readonly maxSkip: number;
  readonly code: boolean;
  /** Padding bytes currently in the buffer. */
  size: number;
}

export type VarItem = RelaxItem | AlignItem;

export class Section {
  data: Uint8Array = new Uint8Array(256);
  size = 0;
  align = 1;
  readonly fixups = new FixupTable();
  readonly items: VarItem[] = emptyArray();
  /** Mapping symbols for objdump: offset -> "$x" (code) or "$d" (data). */
  readonly mapping: { offset: number; kind: "$x" | "$d"; itemIndex: number }[] = emptyArray();
  /** Listing records: offset and source of each statement that produced bytes. */
  readonly listing: { offset: number; size: number; loc: SourceLocation; itemIndex: number }[] = emptyArray();
  /** Labels defined in this section (moved by layout when items change size). */
  readonly labels: Sym[] = emptyArray();

  constructor(
    readonly name: string,
    readonly type: "progbits" | "nobits",
    readonly flags: SectionFlags,
    readonly index: number,
  ) {}

  private grow(n: number): void {
    let cap = this.data.length * 2;
    while (cap < this.size + n) cap *= 2;
    const d = new Uint8Array(cap);
    d.set(this.data.subarray(0, this.size));
    this.data = d;
  }

  /** Reserves n bytes (zeroed) and returns their offset. */
  reserve(n: number): number {
    if (this.size + n > this.data.length) this.grow(n);
    const at = this.size;
    this.size += n;
    return at;
  }

  emit32(word: number): number {
    if (this.size + 4 > this.data.length) this.grow(4);
    const d = this.data;
    const p = this.size;
    d[p] = word;
    d[p + 1] = word >>> 8;
    d[p + 2] = word >>> 16;
    d[p + 3] = word >>> 24;
    this.size = p + 4;
    return p;
  }

  /** Writes a little-endian value of `bytes` bytes (1, 2, 4 or 8). */
  emitValue(value: number, bytes: number): number {
    const p = this.reserve(bytes);
    writeLE(this.data, p, value, bytes);
    return p;
  }

  emitFill(count: number, size: number, value: number): void {
    if (count <= 0) return;
    if (this.type === "nobits" || (value === 0 && size <= 8)) {
      this.reserve(count * size);
      return;
    }
    for (let i = 0; i < count; i++) this.emitValue(value, size);
  }

  read32(offset: number): number {
    const d = this.data;
    return (d[offset]! | (d[offset + 1]! << 8) | (d[offset + 2]! << 16) | (d[offset + 3]! << 24)) >>> 0;
  }

  write32(offset: number, word: number): void {
    const d = this.data;
    d[offset] = word;
    d[offset + 1] = word >>> 8;
    d[offset + 2] = word >>> 16;
    d[offset + 3] = word >>> 24;
  }

  /** The assembled bytes. */
  bytes(): Uint8Array {
    return this.data.subarray(0, this.size);
  }

  markMapping(kind: "$x" | "$d"): void {
    const last = this.mapping[this.mapping.length - 1];
    if (last?.kind === kind) return;
    if (last !== undefined && last.offset === this.size) {
      this.mapping.pop();
      const prev = this.mapping[this.mapping.length - 1];
      if (prev?.kind === kind) return;
    }
    this.mapping.push({ offset: this.size, kind, itemIndex: this.items.length });
  }
}

/** Writes `value` little-endian in `bytes` bytes (up to 8; values beyond 2^53 are not exact). */
export function writeLE(d: Uint8Array, p: number, value: number, bytes: number): void {
  if (bytes <= 4) {
    for (let i = 0; i < bytes; i++) d[p + i] = value >>> (8 * i);
    return;
  }
  const lo = value >>> 0;
  const hi = Math.floor(value / 4294967296) >>> 0;
  for (let i = 0; i < 4; i++) d[p + i] = lo >>> (8 * i);
  for (let i = 0; i < bytes - 4; i++) d[p + 4 + i] = hi >>> (8 * i);
}
