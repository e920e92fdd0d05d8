/**
 * Input-buffered wormhole router with virtual channels and credit-based flow control: five
 * ports (E, W, S, N, local), V VCs x B flits per input, dimension-order XY routing, separable
 * VC and switch allocators (round-robin or iSLIP with configurable iterations), and the
 * pipeline timing of BookSim2's input-queued router (routing, VC-allocation, switch-allocation
 * and switch-traversal delays, credit delay, wait-for-tail-credit). See docs/noc.md.
 *
 * This module is one router's interface: its ports and its output registers. Interfaces are
 * fully registered: every output (flit words, credits) is a register. The buffers, VC state
 * and allocator pointers are the router's register file, kept with those of the other routers
 * of the plane in a RouterFabric (router-fabric.ts: the per-cycle logic), which the mesh's one
 * clocked block per plane steps: each router reads only its registered inputs and writes only
 * its own records and output registers, so they change at the clock edge like registers and
 * results do not depend on the order of the routers.
 */
import { Module, type Bits, type RegArray, type RegisterBank } from "../rtl/index.ts";
import { IN_WORDS, PORT_NAMES, RouterFabric } from "./router-fabric.ts";

export { PORT_NAMES, RouterFabric };
export const PORT_E = 0;
export const PORT_W = 1;
export const PORT_S = 2;
export const PORT_N = 3;
export const PORT_L = 4;
export const NPORTS = 5;

/** The five flit words of one link direction. */
export interface LinkOut {
  ctl: Bits;
  src: Bits;
  data: Bits;
  ct: Bits;
  it: Bits;
}

export class Router extends Module {
  /** Encoded coordinates of this router. */
  readonly cx: number;
  readonly cy: number;
  /** Flit inputs per port (driven by the neighbour's outputs). */
  readonly inp: LinkOut[] = [];
  /** Flit outputs per port (registers). */
  readonly out: LinkOut[] = [];
  /** Credits from the downstream router of each output port: valid | vc << 1. */
  readonly crIn: Bits[] = [];
  /** Credits to the upstream router of each input port. */
  readonly crOut: Bits[] = [];
  /** The input words in the fabric's order (IN_WORDS, RouterFabric.attach): port p's flit words at 5p..5p+4, its credit at 25 + p. */
  readonly inputWords: readonly Bits[];
  /** Flits that left through each output port (statistics, modulo 2^32; a view of the fabric's counters). */
  readonly sent: Uint32Array;

  constructor(
    parent: Module | null,
    name: string,
    readonly fabric: RouterFabric,
    /** This router's record in the fabric. */
    readonly index: number,
    cx: number,
    cy: number,
    /** The plane's link bank (the fabric's RegisterBank): this router's output registers go there. */
    bank: RegisterBank,
  ) {
    super(parent, name);
    this.cx = cx;
    this.cy = cy;
    // Output registers as register arrays (port p's flit words in o_<p>, every port's credit
    // in cr), in the plane's link bank in this order: the fabric's compiled code writes them there.
    const flit: RegArray[] = [];
    for (let p = 0; p < NPORTS; p++) {
      const n = PORT_NAMES[p]!;
      this.inp.push({
        ctl: this.input(`in_${n}_ctl`, 32),
        src: this.input(`in_${n}_src`, 32),
        data: this.input(`in_${n}_data`, 32),
        ct: this.input(`in_${n}_ct`, 32),
        it: this.input(`in_${n}_it`, 32),
      });
      const o: LinkOut = {
        ctl: this.output(`out_${n}_ctl`, 32),
        src: this.output(`out_${n}_src`, 32),
        data: this.output(`out_${n}_data`, 32),
        ct: this.output(`out_${n}_ct`, 32),
        it: this.output(`out_${n}_it`, 32),
      };
      const r = this.regArray(`o_${n}`, 5, 32, { resettable: true, bank });
      (["ctl", "src", "data", "ct", "it"] as const).forEach((k, i) => this.connect(o[k], r.entries[i]!));
      this.out.push(o);
      flit.push(r);
      this.crIn.push(this.input(`cr_in_${n}`, 6));
    }
    const credit = this.regArray("cr", NPORTS, 6, { resettable: true, bank });
    for (let p = 0; p < NPORTS; p++) {
      const co = this.output(`cr_out_${PORT_NAMES[p]!}`, 6);
      this.connect(co, credit.entries[p]!);
      this.crOut.push(co);
    }
    this.inputWords = [...this.inp.flatMap((l) => [l.ctl, l.src, l.data, l.ct, l.it]), ...this.crIn];
    if (this.inputWords.length !== IN_WORDS) throw new Error("router: input word count differs from the fabric's");
    fabric.attach(index, cx, cy, { path: this.path, outputs: [...flit, credit], inputs: this.inputWords });
    this.sent = fabric.sent.subarray(index * NPORTS, (index + 1) * NPORTS);
    // no clocked block of its own: the mesh steps all routers of a plane in one block
    // (RouterFabric.stepAll), which writes these output registers
  }

  // ------------------------------------------------------------------ testbench views

  /** Flits buffered at input port p, VC vc. */
  buffered(p: number, vc: number): number {
    return this.fabric.buffered(this.index, p, vc);
  }
  /** Credits in use (flits sent, credit not yet applied) for output port o, VC vc. */
  occupancy(o: number, vc: number): number {
    return this.fabric.occupancy(this.index, o, vc);
  }
  /** Credits for output o, VC vc received but not yet applied (credit delay / link latency). */
  creditsPending(o: number, vc: number): number {
    return this.fabric.creditsPending(this.index, o, vc);
  }
  /** Flits in the crossbar pipeline (switch traversal) for output o, VC vc. */
  inCrossbar(o: number, vc: number): number {
    return this.fabric.inCrossbar(this.index, o, vc);
  }
  /** Number of flits held by the router (buffers and crossbar). */
  get flitsHeld(): number {
    return this.fabric.flitsHeld(this.index);
  }
  /** First protocol violation seen (buffer overflow, credit underflow), or "". */
  get error(): string {
    return this.fabric.error(this.index);
  }
  /** Throws if a protocol violation was recorded. */
  check(): void {
    this.fabric.check(this.index);
  }
}
