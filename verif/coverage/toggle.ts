/**
 * Toggle coverage straight from the kernel: for every bit of every signal in the chosen
 * scopes, whether it went 0->1 and 1->0. One group per scope (`toggle:<scope>`), one item
 * per signal, bins `b<i> 0->1` / `b<i> 1->0` (or `0->1` / `1->0` for one-bit signals).
 * Sampling is one XOR per signal per cycle; bits are visited only when they changed.
 */
import { Bits, type SignalInfo } from "../../hw/rtl/index.ts";
import type { GroupDb } from "./db.ts";

interface Tracked {
  item: string;
  width: number;
  /** Narrow: the signal; wide: null and words are read from `wide`. */
  narrow: Bits | null;
  wide: { word(i: number): number; words: number } | null;
  prev: Uint32Array;
  rise: Float64Array;
  fall: Float64Array;
}

function inScope(path: string, scope: string): boolean {
  return path === scope || path.startsWith(`${scope}.`);
}

export class ToggleCoverage {
  readonly name: string;
  private readonly tracked: Tracked[] = [];

  /** Tracks the signals of `signals` under `scope` (a module path); `exclude` drops paths matching it. */
  constructor(scope: string, signals: readonly SignalInfo[], exclude?: RegExp) {
    this.name = `toggle:${scope}`;
    for (const s of signals) {
      if (!inScope(s.path.slice(0, s.path.lastIndexOf(".")), scope)) continue;
      if (exclude?.test(s.path)) continue;
      const item = s.path.slice(scope.length + 1);
      const words = Math.ceil(s.width / 32);
      const h = s.handle;
      this.tracked.push({
        item,
        width: s.width,
        narrow: h instanceof Bits ? h : null,
        wide: h instanceof Bits ? null : h,
        prev: new Uint32Array(words),
        rise: new Float64Array(s.width),
        fall: new Float64Array(s.width),
      });
    }
    if (this.tracked.length === 0) throw new RangeError(`toggle coverage: no signals under scope '${scope}'`);
    this.snapshot();
  }

  /** Takes the current values as the reference without counting (call after attaching). */
  snapshot(): void {
    for (const t of this.tracked) {
      if (t.narrow !== null) t.prev[0] = t.narrow.value;
      else for (let w = 0; w < t.prev.length; w++) t.prev[w] = t.wide!.word(w);
    }
  }

  /** Compares every tracked signal with its previous value; counts changed bits. */
  sample(): void {
    const ts = this.tracked;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t.narrow !== null) this.word(t, 0, t.narrow.value);
      else for (let w = 0; w < t.prev.length; w++) this.word(t, w, t.wide!.word(w));
    }
  }

  private word(t: Tracked, w: number, cur: number): void {
    const prev = t.prev[w]!;
    let x = (cur ^ prev) >>> 0;
    if (x === 0) return;
    t.prev[w] = cur;
    const base = w * 32;
    while (x !== 0) {
      const low = x & -x;
      const b = 31 - Math.clz32(low);
      if (cur & low) t.rise[base + b]!++;
      else t.fall[base + b]!++;
      x ^= low;
    }
  }

  toDb(): GroupDb {
    const items: GroupDb["items"] = {};
    for (const t of this.tracked) {
      const bins: string[] = [];
      const counts: number[] = [];
      for (let b = 0; b < t.width; b++) {
        const p = t.width === 1 ? "" : `b${b} `;
        bins.push(`${p}0->1`, `${p}1->0`);
        counts.push(t.rise[b]!, t.fall[b]!);
      }
      items[t.item] = { kind: "point", weight: 1, atLeast: 1, bins, defs: bins.map(() => ""), counts, illegal: [], illegalCounts: [] };
    }
    return { kind: "toggle", weight: 1, goal: 100, items };
  }
}
