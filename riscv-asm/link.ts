/**
 * Linking a single assembly into an executable image: section placement from a memory map
 * (default: `.text.init`, `.text`, other code, read-only data, data, then no-bits sections,
 * each aligned as it asks, from the text base) and the entry point (`_start`, as GNU ld).
 */
import type { Section } from "./section.ts";

export interface MemoryMap {
  /** Address of the first section (default 0x80000000). */
  textBase?: number;
  /** Fixed addresses for named sections (`--section-start NAME=ADDR`). */
  sectionStart?: Readonly<Record<string, number>>;
}

export const DEFAULT_TEXT_BASE = 0x80000000;

function rank(s: Section): number {
  if (s.name === ".text.init") return 0;
  if (s.name === ".text") return 1;
  if (s.flags.exec) return 2;
  if (s.type === "nobits") return 5;
  if (!s.flags.write) return 3;
  return 4;
}

/** Assigns an address to every allocated section; throws a message string on overlap. */
export function placeSections(sections: readonly Section[], map: MemoryMap): Map<Section, number> {
  const out = new Map<Section, number>();
  const alloc = sections.filter((s) => s.flags.alloc && (s.size > 0 || map.sectionStart?.[s.name] !== undefined || s.labels.length > 0));
  const order = [...alloc].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  let next = map.textBase ?? DEFAULT_TEXT_BASE;
  for (const s of order) {
    const fixed = map.sectionStart?.[s.name];
    let addr = fixed ?? Math.ceil(next / s.align) * s.align;
    if (fixed === undefined && addr > 0xffffffff) addr = addr >>> 0;
    out.set(s, addr);
    next = addr + s.size;
  }
  for (const s of sections) if (!out.has(s)) out.set(s, 0);
  // overlap check
  const placed = order.filter((s) => s.size > 0).sort((a, b) => out.get(a)! - out.get(b)!);
  for (let i = 1; i < placed.length; i++) {
    const a = placed[i - 1]!;
    const b = placed[i]!;
    if (out.get(a)! + a.size > out.get(b)!) {
      throw new Error(`sections ${a.name} (0x${out.get(a)!.toString(16)}..0x${(out.get(a)! + a.size).toString(16)}) and ${b.name} (0x${out.get(b)!.toString(16)}) overlap`);
    }
  }
  for (const s of placed) {
    if (out.get(s)! + s.size > 0x100000000) throw new Error(`section ${s.name} at 0x${out.get(s)!.toString(16)} does not fit in the 32-bit address space`);
  }
  return out;
}
