/**
 * The per-cycle function of a simulator, generated once at construction as straight-line
 * code: every clocked batch, every memory's edge, the register banks' beforeLatch hooks, the
 * register-array writes, reset, the register copy, the register banks' latch and every
 * combinational batch, each call at its own call site. Each site then
 * only ever sees one function, which V8 inlines; a loop over an array of closures would make
 * one megamorphic site do all the dispatch (it dominated small designs such as a CPU core).
 */
import type { Batch } from "./batches.ts";
import type { Memory } from "./memory.ts";
import type { RegisterBank } from "./register-bank.ts";

export interface CycleParts {
  seq: readonly Batch[];
  memories: readonly Memory[];
  comb: readonly Batch[];
  /** Applies register-array writes (signal.ts). */
  applyArrayWrites: () => void;
  /** Reset is asserted when the store holds 1 at this slot... */
  narrow: Uint32Array;
  resetSlot: number;
  /** ...and then this loads the init values into the next-value stores. */
  loadResetValues: () => void;
  /** The register commit: copy these views into the stores at these offsets. */
  narrowNextView: Uint32Array;
  narrowBase: number;
  wide: Uint32Array;
  wideNextView: Uint32Array;
  wideBase: number;
  /** Register banks: their owners' beforeLatch hooks run before the array writes and reset; each latches its next-value store after the register copy. */
  banks: readonly RegisterBank[];
  /** Above this many calls, loops instead of straight-line code. */
  maxUnrolled: number;
}

/** Default call count above which loops are used (one function stays small enough for V8 to optimise). */
export const MAX_UNROLLED = 400;

/**
 * Straight-line code pays off when batches are small (a CPU: many distinct blocks, one
 * instance each). When a batch loops over many modules (1000 counters), V8 inlining that loop
 * into the cycle function made it slower (K1 measured ~15% slower), so such designs get the
 * loop form.
 */
const BIG_BATCH = 8;

function callsOf(prefix: string, batches: readonly Batch[]): string[] {
  return batches.map((_, i) => `${prefix}L${i}(${prefix}M${i});`);
}

function hasBigBatch(batches: readonly Batch[]): boolean {
  return batches.some((b) => b.mods.length > BIG_BATCH);
}

/** Straight-line `() => void` running one batch list (settling combinational logic). */
export function buildSettle(comb: readonly Batch[], maxUnrolled = MAX_UNROLLED): () => void {
  if (comb.length > maxUnrolled) return () => comb.forEach((b) => b.loop(b.mods));
  if (hasBigBatch(comb)) return () => comb.forEach((b) => b.loop(b.mods));
  const names = comb.flatMap((_, i) => [`cL${i}`, `cM${i}`]);
  const args = comb.flatMap((b) => [b.loop, b.mods]);
  const body = `"use strict"; return function settle() { ${callsOf("c", comb).join(" ")} };\n//# sourceURL=tsrtl-settle`;
  return (new Function(...names, body) as (...a: unknown[]) => () => void)(...args);
}

/**
 * Up to this many registers are copied at the edge by straight-line code: the TypedArray.set
 * builtin's call and checks cost more than a short copy (perf: ~9% of a PE core's cycle, 68
 * register words).
 */
const SMALL_COPY = 128;

export function buildCycle(p: CycleParts): () => void {
  // the banks' owners' hooks at the edge (most banks have none: no call for those)
  const hooks = p.banks.flatMap((b) => (b.beforeLatch === undefined ? [] : [b.beforeLatch]));
  const calls = p.seq.length + p.memories.length + p.comb.length;
  if (calls > p.maxUnrolled || hasBigBatch(p.seq) || hasBigBatch(p.comb)) {
    return () => {
      for (const b of p.seq) b.loop(b.mods);
      for (const m of p.memories) m.edge();
      for (const h of hooks) h();
      p.applyArrayWrites();
      if (p.narrow[p.resetSlot] === 1) p.loadResetValues();
      p.narrow.set(p.narrowNextView, p.narrowBase);
      if (p.wideNextView.length > 0) p.wide.set(p.wideNextView, p.wideBase);
      for (const b of p.banks) b.latch();
      for (const b of p.comb) b.loop(b.mods);
    };
  }
  const names: string[] = [];
  const args: unknown[] = [];
  const bind = (name: string, value: unknown): void => {
    names.push(name);
    args.push(value);
  };
  p.seq.forEach((b, i) => (bind(`sL${i}`, b.loop), bind(`sM${i}`, b.mods)));
  p.comb.forEach((b, i) => (bind(`cL${i}`, b.loop), bind(`cM${i}`, b.mods)));
  p.memories.forEach((m, i) => bind(`mem${i}`, m));
  bind("applyArrayWrites", p.applyArrayWrites);
  bind("N", p.narrow);
  bind("loadResetValues", p.loadResetValues);
  bind("nextView", p.narrowNextView);
  bind("W", p.wide);
  bind("wideNextView", p.wideNextView);
  p.banks.forEach((b, i) => bind(`bank${i}`, b));
  hooks.forEach((h, i) => bind(`hook${i}`, h));
  const lines = [
    ...callsOf("s", p.seq),
    // A single-port latency-1 SRAM does nothing at an edge where its port is not enabled:
    // test that inline instead of calling edge() (most banks of a banked store are idle).
    ...p.memories.map((m, i) => (m.idleUnlessSlot !== undefined ? `if (N[${m.idleUnlessSlot}] === 1) mem${i}.edge();` : `mem${i}.edge();`)),
    ...hooks.map((_, i) => `hook${i}();`),
    "applyArrayWrites();",
    `if (N[${p.resetSlot}] === 1) loadResetValues();`,
    p.narrowNextView.length <= SMALL_COPY
      ? Array.from({ length: p.narrowNextView.length }, (_, k) => `N[${p.narrowBase + k}] = nextView[${k}];`).join(" ")
      : `N.set(nextView, ${p.narrowBase});`,
    p.wideNextView.length > 0 ? `W.set(wideNextView, ${p.wideBase});` : "",
    ...p.banks.map((_, i) => `bank${i}.latch();`),
    ...callsOf("c", p.comb),
  ];
  const body = `"use strict"; return function cycle() {\n  ${lines.join("\n  ")}\n};\n//# sourceURL=tsrtl-cycle`;
  return (new Function(...names, body) as (...a: unknown[]) => () => void)(...args);
}
