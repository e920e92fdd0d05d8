/**
 * Network interface: the port of a client (a PE's FI, an SRAM slice, a memory controller, a
 * traffic generator) to one router port.
 *
 * Injection: the client offers one flit per cycle on `inj_ctl` / `inj_data` / `inj_ct` (a ctl
 * word in flit format: valid, head, tail, vnet, destination, multicast; the VC field is
 * ignored) and the NI takes it in a cycle where its registered `inj_ready` is 1. The NI picks
 * the packet's VC (round-robin among the free VCs of the packet's virtual network, like
 * BookSim2's injection), stamps source address, per-source packet number and injection time,
 * and sends one flit per cycle as credits allow. A flit taken in a cycle is sent in that cycle
 * when a VC and a credit are available.
 *
 * Ejection (reassembly): arriving flits wait in per-VC buffers (the router's credits); the NI
 * delivers whole packets, head to tail without interleaving, on `ej_*` registers (`ej_at`: the
 * cycle the flit arrived), one flit per cycle while `ej_ready` is 1, returning a credit for
 * each flit delivered.
 *
 * This module is one NI's interface: its ports and registers. Its records and clocked logic are
 * in the plane's NiFabric (ni-fabric.ts), which the mesh's clocked block for the plane steps.
 */
import { Module, type Bits, type RegArray, type RegisterBank } from "../rtl/index.ts";
import { F_HEAD, F_TAIL } from "./flit.ts";
import type { NiFabric } from "./ni-fabric.ts";
import type { LinkOut } from "./router.ts";

export class NetworkInterface extends Module {
  /** This NI's address (flit.ts nodeCode or an edge code). */
  readonly code: number;
  // network side
  readonly netIn: LinkOut;
  readonly netOut: LinkOut;
  readonly netCrIn: Bits;
  readonly netCrOut: Bits;
  // client side
  readonly inj_ctl: Bits;
  readonly inj_data: Bits;
  readonly inj_ct: Bits;
  readonly inj_ready: Bits;
  readonly ej_ctl: Bits;
  readonly ej_src: Bits;
  readonly ej_data: Bits;
  readonly ej_ct: Bits;
  readonly ej_it: Bits;
  readonly ej_at: Bits;
  readonly ej_ready: Bits;
  /** The words the fabric gathers from the client side every cycle, in its order (ni-fabric.ts Ci). */
  readonly clientWords: readonly Bits[];

  constructor(
    parent: Module | null,
    name: string,
    readonly fabric: NiFabric,
    /** This NI's record in the fabric. */
    readonly index: number,
    code: number,
    /** The plane's link bank (flit and credit outputs) and client bank (client-side registers). */
    links: RegisterBank,
    client: RegisterBank,
  ) {
    super(parent, name);
    this.code = code;
    const link = (prefix: string, make: (n: string) => Bits): LinkOut => ({
      ctl: make(`${prefix}_ctl`),
      src: make(`${prefix}_src`),
      data: make(`${prefix}_data`),
      ct: make(`${prefix}_ct`),
      it: make(`${prefix}_it`),
    });
    this.netIn = link("net_in", (n) => this.input(n, 32));
    this.netOut = link("net_out", (n) => this.output(n, 32));
    const linkOut = this.regArray("o", 5, 32, { resettable: true, bank: links });
    (["ctl", "src", "data", "ct", "it"] as const).forEach((k, i) => this.connect(this.netOut[k], linkOut.entries[i]!));
    this.netCrIn = this.input("net_cr_in", 6);
    this.netCrOut = this.output("net_cr_out", 6);
    const crOut = this.regArray("cr", 1, 6, { resettable: true, bank: links });
    this.connect(this.netCrOut, crOut.entries[0]!);

    this.inj_ctl = this.input("inj_ctl", 32);
    this.inj_data = this.input("inj_data", 32);
    this.inj_ct = this.input("inj_ct", 32);
    this.inj_ready = this.output("inj_ready", 1);
    // the client-side registers, in the client bank (reset: ready, nothing ejected)
    const injReady: RegArray = this.regArray("inj_ready_r", 1, 1, { init: 1, resettable: true, bank: client });
    this.connect(this.inj_ready, injReady.entries[0]!);
    const ej: RegArray = this.regArray("ej_r", 6, 32, { resettable: true, bank: client });
    this.ej_ctl = this.output("ej_ctl", 32);
    this.ej_src = this.output("ej_src", 32);
    this.ej_data = this.output("ej_data", 32);
    this.ej_ct = this.output("ej_ct", 32);
    this.ej_it = this.output("ej_it", 32);
    this.ej_at = this.output("ej_at", 32);
    [this.ej_ctl, this.ej_src, this.ej_data, this.ej_ct, this.ej_it, this.ej_at].forEach((o, i) => this.connect(o, ej.entries[i]!));
    this.ej_ready = this.input("ej_ready", 1);
    this.clientWords = [this.inj_ctl, this.inj_data, this.inj_ct, this.ej_ready, injReady.entries[0]!, ej.entries[0]!];
    const n = this.netIn;
    fabric.attach(index, code, { path: this.path, linkOut, crOut, injReady, ej, netIn: [n.ctl, n.src, n.data, n.ct, n.it], netCrIn: this.netCrIn });
    // no clocked block of its own: the mesh steps all NIs of a plane in one block (NiFabric.stepAll)
  }

  // ---- testbench views
  /** Credits in use on the router's local input VC (flits sent, credit not yet back). */
  occupancy(vc: number): number {
    return this.fabric.occupancy(this.index, vc);
  }
  creditsPending(vc: number): number {
    return this.fabric.creditsPending(this.index, vc);
  }
  buffered(vc: number): number {
    return this.fabric.buffered(this.index, vc);
  }
  /** Flits held (pending injection + ejection buffers). */
  get flitsHeld(): number {
    return this.fabric.flitsHeld(this.index);
  }
  /** Flits injected / ejected (statistics, modulo 2^32). */
  get injected(): number {
    return this.fabric.injectedBy(this.index);
  }
  get ejected(): number {
    return this.fabric.ejectedBy(this.index);
  }
  /** First protocol violation seen, or "". */
  get error(): string {
    return this.fabric.error(this.index);
  }
  /** Throws if this NI recorded a protocol violation. */
  check(): void {
    this.fabric.check(this.index);
  }
}

/** Flags of an ejected flit's ctl word. */
export { F_HEAD, F_TAIL };
