/**
 * Flit format of the mesh NoC. A flit crosses a link as five 32-bit words, each a narrow
 * register on the sending side (see docs/noc.md):
 *
 *   ctl   control word (layout below)
 *   src   source node address (bits 0..9) | per-source packet sequence number (bits 10..31)
 *   data  payload word
 *   ct    creation time of the packet (cycle), for latency measurement
 *   it    injection time of the flit into the network (cycle)
 *
 * ctl word:
 *   bit 0       valid
 *   bit 1       head
 *   bit 2       tail
 *   bits 3..7   virtual channel (< 32)
 *   bits 8..9   virtual network (< 4)
 *   bit 10      multicast
 *   bits 11..15 destination x (encoded: 0 = west edge, 1..W = columns, W+1 = east edge)
 *   bits 16..20 destination y (encoded: 0 = north edge, 1..H = rows, H+1 = south edge)
 *   bits 21..25 hop count (routers traversed, saturating at 31)
 *   bit 26      multicast axis: 0 = along a row (x), 1 = along a column (y)
 *   bits 27..31 multicast segment end coordinate (encoded like x or y)
 *
 * A node address ("code") is x | y << 5 in the encoded coordinates.
 */

import { NOC_HEAP } from "./heap.ts";

const H32 = new Int32Array(NOC_HEAP.buffer);

/**
 * Copies the four words after ctl (src, data, ct, it) of a flit held in the NoC heap from H32
 * index `from` to `to`: every record that holds a flit (a link's registers, a VC buffer slot,
 * a crossbar slot, an ejection slot, an NI's client registers) keeps them consecutive, in this
 * order, right after its ctl word. Compiled per-cycle code inlines it (hw/rtl/wasm); the
 * router copies word by word instead (router-fabric.ts receive says why).
 */
export function copyFlitWords(to: number, from: number): void {
  H32[to] = H32[from]!;
  H32[to + 1] = H32[from + 1]!;
  H32[to + 2] = H32[from + 2]!;
  H32[to + 3] = H32[from + 3]!;
}

export const F_VALID = 1;
export const F_HEAD = 2;
export const F_TAIL = 4;
export const VC_SHIFT = 3;
export const VC_MASK = 31;
export const VNET_SHIFT = 8;
export const VNET_MASK = 3;
export const F_MCAST = 1 << 10;
export const DX_SHIFT = 11;
export const DY_SHIFT = 16;
export const COORD_MASK = 31;
export const HOPS_SHIFT = 21;
export const HOPS_MASK = 31;
export const MC_AXIS = 1 << 26;
export const MC_END_SHIFT = 27;

/** The flit fields under the member names of the per-file `const enum Fl` copies (checkFlitFields). */
const FIELDS = {
  VALID: F_VALID, HEAD: F_HEAD, TAIL: F_TAIL, VC_SHIFT, VC_MASK, VNET_SHIFT, VNET_MASK, MCAST: F_MCAST, DX_SHIFT, DY_SHIFT,
  COORD_MASK, HOPS_SHIFT, HOPS_MASK, MC_AXIS, MC_END_SHIFT,
} as const;
export type FlitFieldName = keyof typeof FIELDS;

/**
 * Throws unless `file`'s copy of the flit fields equals these. The per-cycle files keep a copy
 * as a `const enum` of their own, because esbuild inlines same-file enum members as literals
 * (and the subset compiler folds them) while an imported constant costs V8 a module-cell load
 * and a TDZ check at every use; this keeps the copies honest.
 */
export function checkFlitFields(file: string, copy: Readonly<Partial<Record<FlitFieldName, number>>>): void {
  for (const [name, value] of Object.entries(copy)) {
    const want = FIELDS[name as FlitFieldName];
    if (value !== want) throw new Error(`${file}: flit field ${name} is ${value}, flit.ts has ${want}`);
  }
}

/** Encoded node address of core node (x, y) (0-based grid coordinates). */
export function nodeCode(x: number, y: number): number {
  return (x + 1) | ((y + 1) << 5);
}

/** Encoded address from encoded coordinates. */
export function codeOf(cx: number, cy: number): number {
  return cx | (cy << 5);
}

export interface FlitFields {
  head?: boolean;
  tail?: boolean;
  vc?: number;
  vnet?: number;
  /** Destination address (nodeCode / edge code). */
  dest: number;
  /** Multicast segment: from `dest` along `axis` up to encoded coordinate `end`. */
  mcast?: { axis: "x" | "y"; end: number };
}

/** Builds a ctl word. */
export function makeCtl(f: FlitFields): number {
  let c = F_VALID;
  if (f.head) c |= F_HEAD;
  if (f.tail) c |= F_TAIL;
  c |= ((f.vc ?? 0) & VC_MASK) << VC_SHIFT;
  c |= ((f.vnet ?? 0) & VNET_MASK) << VNET_SHIFT;
  c |= (f.dest & 31) << DX_SHIFT;
  c |= ((f.dest >>> 5) & 31) << DY_SHIFT;
  if (f.mcast) {
    c |= F_MCAST | (f.mcast.axis === "y" ? MC_AXIS : 0) | ((f.mcast.end & 31) << MC_END_SHIFT);
  }
  return c >>> 0;
}

export const ctlVc = (c: number): number => (c >>> VC_SHIFT) & VC_MASK;
export const ctlVnet = (c: number): number => (c >>> VNET_SHIFT) & VNET_MASK;
export const ctlDest = (c: number): number => ((c >>> DX_SHIFT) & 31) | (((c >>> DY_SHIFT) & 31) << 5);
export const ctlHops = (c: number): number => (c >>> HOPS_SHIFT) & HOPS_MASK;
