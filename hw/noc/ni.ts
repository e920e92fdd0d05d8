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
 */
import { Module, SimulationError, type Bits, type BitsVec, type RegArray, type RegisterBank } from "../rtl/index.ts";
import { F_HEAD, F_TAIL, F_VALID, HOPS_MASK, HOPS_SHIFT, VC_MASK, VC_SHIFT, VNET_MASK, VNET_SHIFT } from "./flit.ts";
import type { LinkOut } from "./router.ts";
import { RegisterHeap } from "./heap.ts";
import type { RouterParams } from "./params.ts";

/** The NIs' per-VC records, ejection buffers and credit rings: a range of this heap per NI (heap.ts says why). */
const HEAP = new RegisterHeap("network interface state", 1 << 30, "plain");
const N32 = new Int32Array(HEAP.buffer);

/*
 * Constants of the per-cycle path as const enums: esbuild (tsx) inlines same-file enum members
 * as literals, while an imported or module-level constant costs V8 a load and a TDZ check at
 * every use.
 */

/** Indices in NetworkInterface.inVec: every word the clocked block reads, through one slot table. */
const enum In {
  CR = 0,
  CTL = 1,
  SRC = 2,
  DATA = 3,
  CT = 4,
  IT = 5,
  INJ_CTL = 6,
  INJ_DATA = 7,
  INJ_CT = 8,
  EJ_READY = 9,
  INJ_READY_R = 10,
  EJ_CTL_R = 11,
}

/** Indices in NetworkInterface.outVec: the client-side registers the clocked block assigns (one slot table, not a signal object each). */
const enum Out {
  INJ_READY = 0,
  EJ_CTL = 1,
  EJ_SRC = 2,
  EJ_DATA = 3,
  EJ_CT = 4,
  EJ_IT = 5,
  EJ_AT = 6,
}

/** Entries of NetworkInterface.linkOut (the flit words, LinkOut order). */
const enum Lo {
  CTL = 0,
  SRC = 1,
  DATA = 2,
  CT = 3,
  IT = 4,
}

/** Ejection buffer slot record (one per VC and slot): flit words and arrival cycle, in one cache line half. */
const enum Ej {
  CTL = 0,
  SRC = 1,
  DATA = 2,
  CT = 3,
  IT = 4,
  READY = 5,
  WORDS = 8,
}

/** Per-VC records: ejection ring (front slot, flits), injection side output VC (owner, credits in use, tail sent). */
const enum Vr {
  HEAD = 0,
  COUNT = 1,
  OWNER = 2,
  OCC = 3,
  TAIL = 4,
  WORDS = 8,
}

/** Flit fields (flit.ts; checked equal below). */
const enum Fl {
  VALID = 1,
  HEAD = 2,
  TAIL = 4,
  VC_SHIFT = 3,
  VC_MASK = 31,
  VNET_SHIFT = 8,
  VNET_MASK = 3,
  HOPS_SHIFT = 21,
  HOPS_MASK = 31,
}

if (
  Fl.VALID !== F_VALID || Fl.HEAD !== F_HEAD || Fl.TAIL !== F_TAIL || Fl.VC_SHIFT !== VC_SHIFT || Fl.VC_MASK !== VC_MASK ||
  Fl.VNET_SHIFT !== VNET_SHIFT || Fl.VNET_MASK !== VNET_MASK || Fl.HOPS_SHIFT !== HOPS_SHIFT || Fl.HOPS_MASK !== HOPS_MASK
) {
  throw new Error("ni.ts: flit fields differ from flit.ts");
}

export class NetworkInterface extends Module {
  /** This NI's address (flit.ts nodeCode or an edge code). */
  readonly code: number;
  readonly params: RouterParams;
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

  /** Network-side output registers: the flit words and the credit, in the plane's link bank when there is one. */
  private readonly linkOut: RegArray;
  private readonly crOut: RegArray;
  private readonly injReadyReg: Bits;
  private readonly ejRegs: { ctl: Bits; src: Bits; data: Bits; ct: Bits; it: Bits; at: Bits };

  private readonly V: number;
  private readonly B: number;
  /** Parameters the per-cycle path reads (a field load, not two). */
  private readonly linkLatency: number;
  private readonly waitTailCredit: boolean;
  private t = 0;
  private busy = 0;
  private dirty = 0;
  // injection state
  private pendValid = 0;
  private pendCtl = 0;
  private pendData = 0;
  private pendCt = 0;
  private pendVc = -1;
  private curVc = -1;
  private curSrc = 0;
  private seqNo = 0;
  // the NI's range of N32: per vnet the last VC taken, per VC a record (Vr.WORDS words), the
  // credit ring (cycle applied, VC: cqN entries each) and the ejection buffers
  private readonly lastVc: number;
  private readonly vcr: number;
  private readonly inVec: BitsVec;
  private readonly outVec: BitsVec;
  private readonly cqN: number;
  private readonly cqT: number;
  private readonly cqV: number;
  private cqHead = 0;
  private cqCount = 0;
  // ejection state
  /** Ejection buffer slots, Ej.WORDS words each: VC vc's ring starts at ebuf + vc * RS. */
  private readonly ebuf: number;
  /** Words per VC ring: bufDepth slots and one unused (an odd stride spreads the rings over the cache sets). */
  private readonly RS: number;
  private occMask = 0;
  private curEj = -1;
  /** VCs per virtual network (vnet k has VCs k * perVnet ..). */
  private readonly perVnet: number;
  error = "";
  /** Flits injected / ejected (statistics). */
  injected = 0;
  ejected = 0;

  constructor(parent: Module | null, name: string, params: RouterParams, code: number, bank?: RegisterBank) {
    super(parent, name);
    this.params = params;
    this.code = code;
    const V = (this.V = params.vcs);
    const B = (this.B = params.bufDepth);
    this.linkLatency = params.linkLatency;
    this.waitTailCredit = params.waitTailCredit;
    const link = (prefix: string, make: (n: string) => Bits): LinkOut => ({
      ctl: make(`${prefix}_ctl`),
      src: make(`${prefix}_src`),
      data: make(`${prefix}_data`),
      ct: make(`${prefix}_ct`),
      it: make(`${prefix}_it`),
    });
    this.netIn = link("net_in", (n) => this.input(n, 32));
    this.netOut = link("net_out", (n) => this.output(n, 32));
    this.linkOut = this.regArray("o", 5, 32, { resettable: true, bank });
    (["ctl", "src", "data", "ct", "it"] as const).forEach((k, i) => this.connect(this.netOut[k], this.linkOut.entries[i]!));
    this.netCrIn = this.input("net_cr_in", 6);
    this.netCrOut = this.output("net_cr_out", 6);
    this.crOut = this.regArray("cr", 1, 6, { resettable: true, bank });
    this.connect(this.netCrOut, this.crOut.entries[0]!);

    this.inj_ctl = this.input("inj_ctl", 32);
    this.inj_data = this.input("inj_data", 32);
    this.inj_ct = this.input("inj_ct", 32);
    this.inj_ready = this.output("inj_ready", 1);
    this.injReadyReg = this.reg("inj_ready_r", 1, { init: 1 });
    this.connect(this.inj_ready, this.injReadyReg);
    this.ej_ctl = this.output("ej_ctl", 32);
    this.ej_src = this.output("ej_src", 32);
    this.ej_data = this.output("ej_data", 32);
    this.ej_ct = this.output("ej_ct", 32);
    this.ej_it = this.output("ej_it", 32);
    this.ej_at = this.output("ej_at", 32);
    this.ej_ready = this.input("ej_ready", 1);
    this.ejRegs = {
      ctl: this.reg("ej_ctl_r", 32),
      src: this.reg("ej_src_r", 32),
      data: this.reg("ej_data_r", 32),
      ct: this.reg("ej_ct_r", 32),
      it: this.reg("ej_it_r", 32),
      at: this.reg("ej_at_r", 32),
    };
    this.connect(this.ej_ctl, this.ejRegs.ctl);
    this.connect(this.ej_src, this.ejRegs.src);
    this.connect(this.ej_data, this.ejRegs.data);
    this.connect(this.ej_ct, this.ejRegs.ct);
    this.connect(this.ej_it, this.ejRegs.it);
    this.connect(this.ej_at, this.ejRegs.at);

    const n = this.netIn;
    this.inVec = this.vec([this.netCrIn, n.ctl, n.src, n.data, n.ct, n.it, this.inj_ctl, this.inj_data, this.inj_ct, this.ej_ready, this.injReadyReg, this.ejRegs.ctl]);
    const e = this.ejRegs;
    this.outVec = this.vec([this.injReadyReg, e.ctl, e.src, e.data, e.ct, e.it, e.at]);
    this.cqN = params.linkLatency + 2;
    this.RS = (B + 1) * Ej.WORDS;
    this.perVnet = V / params.vnets;
    // ejection buffers first: they start on a cache line (the heap hands out whole lines)
    const words = V * this.RS + V * Vr.WORDS + 2 * this.cqN + params.vnets;
    this.ebuf = HEAP.take(this, words * 4) >> 2;
    this.vcr = this.ebuf + V * this.RS;
    this.cqT = this.vcr + V * Vr.WORDS;
    this.cqV = this.cqT + this.cqN;
    this.lastVc = this.cqV + this.cqN;
    this.clearState();
    this.seq(this.tick);
  }

  private clearState(): void {
    this.t = 0;
    this.busy = 0;
    this.pendValid = 0;
    this.pendVc = -1;
    this.curVc = -1;
    this.seqNo = 0;
    N32.fill(-1, this.lastVc, this.lastVc + this.params.vnets);
    N32.fill(0, this.vcr, this.vcr + this.V * Vr.WORDS);
    this.cqHead = 0;
    this.cqCount = 0;
    this.occMask = 0;
    this.curEj = -1;
    this.error = "";
  }

  private fail(msg: string): void {
    if (this.error === "") this.error = `${this.path} cycle ${this.t - 1}: ${msg}`;
  }

  private tick(): void {
    if (this.reset.value === 1) {
      this.clearState();
      // the link registers are resettable (the kernel clears them); the client side is cleared here
      if (this.dirty !== 0) {
        this.outVec.setNext(Out.EJ_CTL, 0);
        this.dirty = 0;
      }
      this.outVec.setNext(Out.INJ_READY, 1);
      return;
    }
    const now = this.t++;
    const iv = this.inVec;
    const cr = iv.get(In.CR);
    const fin = iv.get(In.CTL);
    const inj = iv.get(In.INJ_CTL) & Fl.VALID;
    if (cr === 0 && (fin & Fl.VALID) === 0 && inj === 0 && this.busy === 0 && this.dirty === 0) return;
    if (cr !== 0) {
      const n = this.cqN;
      let s = this.cqHead + this.cqCount;
      if (s >= n) s -= n;
      N32[this.cqT + s] = now + this.linkLatency;
      N32[this.cqV + s] = cr >>> 1;
      this.cqCount++;
      this.busy++;
    }
    if ((fin & Fl.VALID) !== 0) this.receive(fin, now);
    let dirty = 0;
    // credits for the router's local input port
    while (this.cqCount > 0 && N32[this.cqT + this.cqHead]! <= now) {
      const vc = N32[this.cqV + this.cqHead]!;
      const r = this.vcr + vc * Vr.WORDS;
      const occ = N32[r + Vr.OCC]!;
      if (occ === 0) this.fail(`credit underflow on VC ${vc}`);
      else N32[r + Vr.OCC] = occ - 1;
      if (this.waitTailCredit && occ === 1 && N32[r + Vr.TAIL] === 1) {
        N32[r + Vr.OWNER] = 0;
        N32[r + Vr.TAIL] = 0;
      }
      this.cqHead = this.cqHead + 1 === this.cqN ? 0 : this.cqHead + 1;
      this.cqCount--;
      this.busy--;
    }
    // injection
    if (this.pendValid === 0 && inj !== 0 && iv.get(In.INJ_READY_R) === 1) {
      this.pendValid = 1;
      this.pendCtl = iv.get(In.INJ_CTL);
      this.pendData = iv.get(In.INJ_DATA);
      this.pendCt = iv.get(In.INJ_CT);
      this.busy++;
    }
    if (this.pendValid === 1 && this.trySend(now)) dirty |= 1;
    else if ((this.dirty & 1) !== 0) this.linkOut.set(Lo.CTL, 0);
    // assigned only when it changes (an unassigned register holds its value)
    const ready = this.pendValid === 0 ? 1 : 0;
    if (iv.get(In.INJ_READY_R) !== ready) this.outVec.setNext(Out.INJ_READY, ready);
    // ejection
    const ejValid = iv.get(In.EJ_CTL_R) & Fl.VALID;
    if (ejValid === 0 || iv.get(In.EJ_READY) === 1) {
      const vc = this.occMask === 0 ? -1 : this.pickEjection(now);
      if (vc >= 0) {
        this.deliver(vc);
        dirty |= 6;
      } else if (ejValid !== 0) this.outVec.setNext(Out.EJ_CTL, 0);
    } else dirty |= 4;
    if ((dirty & 2) === 0 && (this.dirty & 2) !== 0) this.crOut.set(0, 0);
    this.dirty = dirty;
  }

  private receive(ctl: number, now: number): void {
    const vc = (ctl >>> Fl.VC_SHIFT) & Fl.VC_MASK;
    const B = this.B;
    if (vc >= this.V) {
      this.fail(`ejection buffer overflow on VC ${vc}`);
      return;
    }
    const r = this.vcr + vc * Vr.WORDS;
    const n = N32[r + Vr.COUNT]!;
    if (n >= B) {
      this.fail(`ejection buffer overflow on VC ${vc}`);
      return;
    }
    let k = N32[r + Vr.HEAD]! + n;
    if (k >= B) k -= B;
    const s = this.ebuf + vc * this.RS + k * Ej.WORDS;
    const iv = this.inVec;
    N32[s + Ej.CTL] = ctl;
    N32[s + Ej.SRC] = iv.get(In.SRC);
    N32[s + Ej.DATA] = iv.get(In.DATA);
    N32[s + Ej.CT] = iv.get(In.CT);
    N32[s + Ej.IT] = iv.get(In.IT);
    N32[s + Ej.READY] = now + this.linkLatency;
    N32[r + Vr.COUNT] = n + 1;
    this.occMask |= 1 << vc;
    this.busy++;
  }

  /** Sends the pending flit if a VC and a credit allow; true when sent. */
  private trySend(now: number): boolean {
    const ctl = this.pendCtl;
    const vcr = this.vcr;
    let vc: number;
    if ((ctl & Fl.HEAD) !== 0) {
      if (this.pendVc < 0) {
        const vn = (ctl >>> Fl.VNET_SHIFT) & Fl.VNET_MASK;
        const cnt = this.perVnet;
        const lo = vn * cnt;
        const last = N32[this.lastVc + vn]!;
        for (let k = 1; k <= cnt; k++) {
          const c = last < lo || last >= lo + cnt ? lo : lo + ((last - lo + k) % cnt);
          if (N32[vcr + c * Vr.WORDS + Vr.OWNER] === 0) {
            this.pendVc = c;
            break;
          }
        }
        if (this.pendVc < 0) return false;
      }
      vc = this.pendVc;
    } else {
      vc = this.curVc;
      if (vc < 0) {
        this.fail("body flit offered without a head");
        this.pendValid = 0;
        this.busy--;
        return false;
      }
    }
    const r = vcr + vc * Vr.WORDS;
    if (N32[r + Vr.OCC]! >= this.B) return false;
    if ((ctl & Fl.HEAD) !== 0) {
      N32[r + Vr.OWNER] = 1;
      N32[r + Vr.TAIL] = 0;
      N32[this.lastVc + ((ctl >>> Fl.VNET_SHIFT) & Fl.VNET_MASK)] = vc;
      this.pendVc = -1;
      this.curSrc = (this.code | (this.seqNo << 10)) >>> 0;
      this.seqNo = (this.seqNo + 1) & 0x3fffff;
    }
    N32[r + Vr.OCC]!++;
    if ((ctl & Fl.TAIL) !== 0) {
      this.curVc = -1;
      N32[r + Vr.TAIL] = 1;
      if (!this.waitTailCredit) {
        N32[r + Vr.OWNER] = 0;
        N32[r + Vr.TAIL] = 0;
      }
    } else this.curVc = vc;
    const out = this.linkOut;
    out.set(Lo.CTL, (ctl & ~((Fl.VC_MASK << Fl.VC_SHIFT) | (Fl.HOPS_MASK << Fl.HOPS_SHIFT))) | (vc << Fl.VC_SHIFT));
    out.set(Lo.SRC, this.curSrc);
    out.set(Lo.DATA, this.pendData);
    out.set(Lo.CT, this.pendCt);
    out.set(Lo.IT, now);
    this.pendValid = 0;
    this.busy--;
    this.injected++;
    return true;
  }

  /** The VC whose front flit goes to the client now, or -1. Packets are not interleaved. */
  private pickEjection(now: number): number {
    const cur = this.curEj;
    const vcr = this.vcr;
    const eb = this.ebuf;
    if (cur >= 0) {
      const r = vcr + cur * Vr.WORDS;
      if (N32[r + Vr.COUNT] === 0) return -1;
      return N32[eb + cur * this.RS + N32[r + Vr.HEAD]! * Ej.WORDS + Ej.READY]! <= now ? cur : -1;
    }
    // the packet whose head arrived first (keeps each flow in order); ties cannot happen
    let m = this.occMask;
    let best = -1;
    let bestAt = now + 1;
    while (m !== 0) {
      const vc = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const at = N32[eb + vc * this.RS + N32[vcr + vc * Vr.WORDS + Vr.HEAD]! * Ej.WORDS + Ej.READY]!;
      if (at < bestAt) {
        bestAt = at;
        best = vc;
      }
    }
    return best;
  }

  private deliver(vc: number): void {
    const B = this.B;
    const r = this.vcr + vc * Vr.WORDS;
    const h = N32[r + Vr.HEAD]!;
    const s = this.ebuf + vc * this.RS + h * Ej.WORDS;
    const ctl = N32[s + Ej.CTL]!;
    const e = this.outVec;
    e.setNext(Out.EJ_CTL, ctl);
    e.setNext(Out.EJ_SRC, N32[s + Ej.SRC]!);
    e.setNext(Out.EJ_DATA, N32[s + Ej.DATA]!);
    e.setNext(Out.EJ_CT, N32[s + Ej.CT]!);
    e.setNext(Out.EJ_IT, N32[s + Ej.IT]!);
    e.setNext(Out.EJ_AT, N32[s + Ej.READY]!);
    const n = N32[r + Vr.COUNT]! - 1;
    N32[r + Vr.COUNT] = n;
    // an emptied ring restarts at slot 0 (fewer cache lines in use)
    N32[r + Vr.HEAD] = n === 0 || h + 1 === B ? 0 : h + 1;
    if (n === 0) this.occMask &= ~(1 << vc);
    this.busy--;
    this.crOut.set(0, 1 | (vc << 1));
    this.curEj = (ctl & Fl.TAIL) !== 0 ? -1 : vc;
    this.ejected++;
  }

  // ---- testbench views
  /** Credits in use on the router's local input VC (flits sent, credit not yet back). */
  occupancy(vc: number): number {
    return N32[this.vcr + vc * Vr.WORDS + Vr.OCC]!;
  }
  creditsPending(vc: number): number {
    let n = 0;
    for (let c = 0; c < this.cqCount; c++) if (N32[this.cqV + ((this.cqHead + c) % this.cqN)] === vc) n++;
    return n;
  }
  buffered(vc: number): number {
    return N32[this.vcr + vc * Vr.WORDS + Vr.COUNT]!;
  }
  /** Flits held (pending injection + ejection buffers). */
  get flitsHeld(): number {
    let n = this.pendValid;
    for (let vc = 0; vc < this.V; vc++) n += N32[this.vcr + vc * Vr.WORDS + Vr.COUNT]!;
    return n;
  }
  check(): void {
    if (this.error !== "") throw new SimulationError(this.error);
  }
}

/** Flags of an ejected flit's ctl word. */
export { F_HEAD, F_TAIL };
