/**
 * Hands out ranges of the process-wide value stores (see signal.ts) to simulators and takes
 * them back when a design is disposed of or garbage-collected.
 */
import { SimulationError } from "./errors.ts";
import { NARROW, NARROW_CAPACITY, NARROW_NEXT, WIDE, WIDE_CAPACITY, WIDE_NEXT } from "./signal.ts";

class RangeAllocator {
  /** Free ranges as [start, length], sorted by start. */
  private free: [number, number][];
  constructor(
    private readonly what: string,
    capacity: number,
    first: number,
  ) {
    this.free = [[first, capacity - first]];
  }
  take(length: number): number {
    if (length === 0) return 0;
    const i = this.free.findIndex(([, len]) => len >= length);
    if (i < 0) throw new SimulationError(`design too large: no room for ${length} more ${this.what} in this process`);
    const range = this.free[i]!;
    const start = range[0];
    if (range[1] === length) this.free.splice(i, 1);
    else this.free[i] = [start + length, range[1] - length];
    return start;
  }
  give(start: number, length: number): void {
    if (length === 0) return;
    this.free.push([start, length]);
    this.free.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of this.free) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === r[0]) last[1] += r[1];
      else merged.push([r[0], r[1]]);
    }
    this.free = merged;
  }
}

// Slot 0 of each store stays unused: signals read it before they are bound.
const narrowSlots = new RangeAllocator("narrow signal slots", NARROW_CAPACITY, 1);
const wideWords = new RangeAllocator("wide signal words", WIDE_CAPACITY, 1);

export interface SlotRange {
  narrowBase: number;
  narrowCount: number;
  wideBase: number;
  wideCount: number;
}

export function takeSlots(narrowCount: number, wideCount: number): SlotRange {
  const narrowBase = narrowSlots.take(narrowCount);
  const wideBase = wideWords.take(wideCount);
  NARROW.fill(0, narrowBase, narrowBase + narrowCount);
  NARROW_NEXT.fill(0, narrowBase, narrowBase + narrowCount);
  WIDE.fill(0, wideBase, wideBase + wideCount);
  WIDE_NEXT.fill(0, wideBase, wideBase + wideCount);
  return { narrowBase, narrowCount, wideBase, wideCount };
}

export function giveSlots(r: SlotRange): void {
  narrowSlots.give(r.narrowBase, r.narrowCount);
  wideWords.give(r.wideBase, r.wideCount);
}

/** Frees a design's slots when its module tree is garbage-collected. */
export const slotReclaimer = new FinalizationRegistry<SlotRange>(giveSlots);
