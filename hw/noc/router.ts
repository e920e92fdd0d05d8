/**
 * Input-buffered wormhole router with virtual channels and credit-based flow control: five
 * ports (E, W, S, N, local), V VCs x B flits per input, dimension-order XY routing, separable
 * VC and switch allocators (round-robin or iSLIP with configurable iterations), and the
 * pipeline timing of BookSim2's input-queued router (routing, VC-allocation, switch-allocation
 * and switch-traversal delays, credit delay, wait-for-tail-credit). See docs/noc.md.
 *
 * Interfaces are fully registered: every output (flit words, credits) is a register written in
 * the router's one clocked block, and every input is read there. The buffers, VC state and
 * allocator pointers are the router's register file: typed arrays read and written only by
 * that clocked block, so they update at the clock edge like registers (no other block sees
 * them, and results do not depend on block order). A router with empty buffers, no credits in
 * flight and no arriving flit returns after reading its ten input words.
 */
import { Module, SimulationError, type Bits } from "../rtl/index.ts";
import {
  COORD_MASK,
  DX_SHIFT,
  DY_SHIFT,
  F_HEAD,
  F_MCAST,
  F_TAIL,
  HOPS_MASK,
  HOPS_SHIFT,
  MC_AXIS,
  MC_END_SHIFT,
  VC_MASK,
  VC_SHIFT,
  VNET_MASK,
  VNET_SHIFT,
} from "./flit.ts";
import { checkRouterParams, firstFrom, type RouterParams } from "./params.ts";

export const PORT_E = 0;
export const PORT_W = 1;
export const PORT_S = 2;
export const PORT_N = 3;
export const PORT_L = 4;
export const NPORTS = 5;
export const PORT_NAMES = ["e", "w", "s", "n", "l"] as const;

/** Input-VC states. */
const IDLE = 0;
const VA = 1; // waiting for (or in) VC allocation from cycle vcTime on
const VA_PEND = 2; // VA granted, takes effect at vcTime (vaDelay > 1)
const ACTIVE = 3; // output VC(s) held; switch allocation from cycle vcTime on

/** The five flit words of one link direction. */
export interface LinkOut {
  ctl: Bits;
  src: Bits;
  data: Bits;
  ct: Bits;
  it: Bits;
}

export class Router extends Module {
  readonly params: RouterParams;
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
  private readonly oregs: LinkOut[] = [];
  private readonly crRegs: Bits[] = [];

  // ---- register file (see header) ----
  private readonly V: number;
  private readonly B: number;
  private t = 0;
  /** Flits in buffers + credits in flight + flits in the crossbar. */
  private busy = 0;
  /** Flits in the input buffers. */
  private nBuf = 0;
  /** Credits received and not yet applied. */
  private nCred = 0;
  /** Input VCs in VA / VA_PEND state. */
  private nVa = 0;
  /** Flits in the crossbar pipeline. */
  private nXb = 0;
  /** Input ports that send a credit this cycle (bit p). */
  private crMask = 0;
  private readonly L: number;
  private readonly CD: number;
  private readonly RD: number;
  /** Output registers holding a non-zero next value (bit p: flit port p, bit 8+p: credit port p). */
  private dirty = 0;
  private readonly bufCtl: Uint32Array;
  private readonly bufSrc: Uint32Array;
  private readonly bufData: Uint32Array;
  private readonly bufCt: Uint32Array;
  private readonly bufIt: Uint32Array;
  private readonly bufReady: Int32Array;
  private readonly bufTicket: Int32Array;
  private readonly bufHead: Uint8Array;
  private readonly bufCount: Uint8Array;
  /** Per input port: VCs with a non-empty buffer. */
  private readonly occMask: Int32Array;
  private readonly vcState: Uint8Array;
  private readonly vcTime: Int32Array;
  private readonly vcOut0: Int8Array;
  private readonly vcOut1: Int8Array;
  private readonly vcOvc0: Int8Array;
  private readonly vcOvc1: Int8Array;
  /** Outputs the front flit still has to go to (bit 0: out0, bit 1: out1). */
  private readonly vcNeed: Uint8Array;
  private readonly vcGrant: Int8Array;
  private readonly vcSaPend: Uint8Array;
  private readonly vcSaOut: Int8Array;
  private readonly vcSaTime: Int32Array;
  /** Flow of the packet at the VC (source, destination, vnet) and its arrival ticket. */
  private readonly vcFlow: Int32Array;
  private readonly vcTicket: Int32Array;
  /** 1 once the packet's head flit has left (later packets of the same flow may then allocate). */
  private readonly vcHeadGone: Uint8Array;
  private readonly ticket: Int32Array;
  // output VC state (downstream buffer state)
  private readonly ovcOwner: Int16Array;
  private readonly ovcOcc: Uint8Array;
  private readonly ovcTail: Uint8Array;
  private readonly freeMask: Int32Array;
  // credits in flight: ring per output port
  private readonly cqN: number;
  private readonly cqT: Int32Array;
  private readonly cqV: Int8Array;
  private readonly cqHead: Int32Array;
  private readonly cqCount: Int32Array;
  // crossbar pipeline: slot per output port and cycle (time-tagged)
  private readonly xq: number;
  private readonly xbT: Int32Array;
  private readonly xbCtl: Uint32Array;
  private readonly xbSrc: Uint32Array;
  private readonly xbData: Uint32Array;
  private readonly xbCt: Uint32Array;
  private readonly xbIt: Uint32Array;
  // allocators
  private readonly vaG: Int16Array;
  private readonly vaA: Int16Array;
  private readonly vaReq: Int16Array;
  private readonly vaReqVm: Int32Array;
  private readonly vaReqN: Int32Array;
  private readonly vaInMatch: Int8Array;
  private readonly vaGrants: Int16Array;
  private readonly saG: Int8Array;
  private readonly saA: Int8Array;
  private readonly saRr: Int8Array;
  private readonly saReqMask: Int32Array;
  private readonly saInReq: Int32Array;
  private readonly saLabel: Int8Array;
  private readonly saGrants: Int8Array;
  private readonly vnetMask: Int32Array;
  private readonly crSend: Int32Array;
  private readonly islipVa: boolean;
  private readonly islipSa: boolean;
  /** First protocol violation seen (buffer overflow, credit underflow), or "". */
  error = "";
  /** Flits that left through each output port (statistics). */
  readonly sent: Float64Array = new Float64Array(NPORTS);

  /** Mesh width (columns): destinations at x = 0 / W + 1 are the west / east edge ports. */
  readonly meshW: number;

  constructor(parent: Module | null, name: string, params: RouterParams, cx: number, cy: number, meshW = 30) {
    super(parent, name);
    this.meshW = meshW;
    checkRouterParams(params);
    this.params = params;
    this.cx = cx;
    this.cy = cy;
    const V = (this.V = params.vcs);
    const B = (this.B = params.bufDepth);
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
      const r: LinkOut = {
        ctl: this.reg(`o_${n}_ctl`, 32),
        src: this.reg(`o_${n}_src`, 32),
        data: this.reg(`o_${n}_data`, 32),
        ct: this.reg(`o_${n}_ct`, 32),
        it: this.reg(`o_${n}_it`, 32),
      };
      for (const k of ["ctl", "src", "data", "ct", "it"] as const) this.connect(o[k], r[k]);
      this.out.push(o);
      this.oregs.push(r);
      this.crIn.push(this.input(`cr_in_${n}`, 6));
      const co = this.output(`cr_out_${n}`, 6);
      const cr = this.reg(`cr_${n}`, 6);
      this.connect(co, cr);
      this.crOut.push(co);
      this.crRegs.push(cr);
    }
    const NI = NPORTS * V;
    this.bufCtl = new Uint32Array(NI * B);
    this.bufSrc = new Uint32Array(NI * B);
    this.bufData = new Uint32Array(NI * B);
    this.bufCt = new Uint32Array(NI * B);
    this.bufIt = new Uint32Array(NI * B);
    this.bufReady = new Int32Array(NI * B);
    this.bufTicket = new Int32Array(NI * B);
    this.bufHead = new Uint8Array(NI);
    this.bufCount = new Uint8Array(NI);
    this.occMask = new Int32Array(NPORTS);
    this.vcState = new Uint8Array(NI);
    this.vcTime = new Int32Array(NI);
    this.vcOut0 = new Int8Array(NI);
    this.vcOut1 = new Int8Array(NI);
    this.vcOvc0 = new Int8Array(NI);
    this.vcOvc1 = new Int8Array(NI);
    this.vcNeed = new Uint8Array(NI);
    this.vcGrant = new Int8Array(NI);
    this.vcSaPend = new Uint8Array(NI);
    this.vcSaOut = new Int8Array(NI);
    this.vcSaTime = new Int32Array(NI);
    this.vcFlow = new Int32Array(NI);
    this.vcTicket = new Int32Array(NI);
    this.vcHeadGone = new Uint8Array(NI);
    this.ticket = new Int32Array(NPORTS);
    this.ovcOwner = new Int16Array(NI);
    this.ovcOcc = new Uint8Array(NI);
    this.ovcTail = new Uint8Array(NI);
    this.freeMask = new Int32Array(NPORTS);
    this.cqN = params.linkLatency + params.creditDelay + 2;
    this.cqT = new Int32Array(NPORTS * this.cqN);
    this.cqV = new Int8Array(NPORTS * this.cqN);
    this.cqHead = new Int32Array(NPORTS);
    this.cqCount = new Int32Array(NPORTS);
    this.xq = params.stDelay + params.saDelay + 1;
    this.xbT = new Int32Array(NPORTS * this.xq);
    this.xbCtl = new Uint32Array(NPORTS * this.xq);
    this.xbSrc = new Uint32Array(NPORTS * this.xq);
    this.xbData = new Uint32Array(NPORTS * this.xq);
    this.xbCt = new Uint32Array(NPORTS * this.xq);
    this.xbIt = new Uint32Array(NPORTS * this.xq);
    this.vaG = new Int16Array(NI);
    this.vaA = new Int16Array(NI);
    this.vaReq = new Int16Array(NPORTS * NI);
    this.vaReqVm = new Int32Array(NPORTS * NI);
    this.vaReqN = new Int32Array(NPORTS);
    this.vaInMatch = new Int8Array(NI);
    this.vaGrants = new Int16Array(V);
    this.saG = new Int8Array(NPORTS);
    this.saA = new Int8Array(NPORTS);
    this.saRr = new Int8Array(NPORTS);
    this.saReqMask = new Int32Array(NPORTS);
    this.saInReq = new Int32Array(NPORTS);
    this.saLabel = new Int8Array(NPORTS * NPORTS);
    this.saGrants = new Int8Array(NPORTS);
    this.vnetMask = new Int32Array(params.vnets);
    const per = V / params.vnets;
    for (let k = 0; k < params.vnets; k++) {
      const m = per === 32 ? -1 : ((1 << per) - 1) | 0;
      this.vnetMask[k] = per === 32 ? -1 : (m << (k * per)) | 0;
    }
    this.crSend = new Int32Array(NPORTS);
    this.L = params.linkLatency;
    this.CD = params.creditDelay;
    this.RD = params.routingDelay;
    this.islipVa = params.vcAlloc === "islip";
    this.islipSa = params.swAlloc === "islip";
    this.clearState();
    this.seq(this.tick);
  }

  private clearState(): void {
    this.t = 0;
    this.busy = 0;
    this.nBuf = 0;
    this.nCred = 0;
    this.nVa = 0;
    this.nXb = 0;
    this.crMask = 0;
    this.bufHead.fill(0);
    this.bufCount.fill(0);
    this.occMask.fill(0);
    this.vcState.fill(IDLE);
    this.vcSaPend.fill(0);
    this.ticket.fill(0);
    this.ovcOwner.fill(-1);
    this.ovcOcc.fill(0);
    this.ovcTail.fill(0);
    const all = this.V === 32 ? -1 : (1 << this.V) - 1;
    this.freeMask.fill(all);
    this.cqHead.fill(0);
    this.cqCount.fill(0);
    this.xbT.fill(-1);
    this.vaG.fill(0);
    this.vaA.fill(0);
    this.saG.fill(0);
    this.saA.fill(0);
    this.saRr.fill(0);
    this.error = "";
  }

  /** Output ports for a head flit arriving on input `inp`: out0 | (out1 + 1) << 4 (out1 = -1: none). */
  route(ctl: number, inp: number): number {
    const cx = this.cx;
    const cy = this.cy;
    const dx = (ctl >>> DX_SHIFT) & COORD_MASK;
    const dy = (ctl >>> DY_SHIFT) & COORD_MASK;
    if ((ctl & F_MCAST) !== 0) {
      const end = (ctl >>> MC_END_SHIFT) & COORD_MASK;
      if ((ctl & MC_AXIS) === 0) {
        if (cy === dy && (end >= dx ? cx >= dx && cx <= end : cx <= dx && cx >= end)) {
          if (cx === dx || (end > dx ? inp === PORT_W : inp === PORT_E)) {
            if (cx === end) return PORT_L;
            return (end > cx ? PORT_E : PORT_W) | ((PORT_L + 1) << 4);
          }
        }
      } else if (cx === dx && (end >= dy ? cy >= dy && cy <= end : cy <= dy && cy >= end)) {
        if (cy === dy || (end > dy ? inp === PORT_N : inp === PORT_S)) {
          if (cy === end) return PORT_L;
          return (end > cy ? PORT_S : PORT_N) | ((PORT_L + 1) << 4);
        }
      }
    }
    // XY; a west/east edge port is reached by X to the edge column, Y to its row, then out
    const tx = dx === 0 ? 1 : dx > this.meshW ? this.meshW : dx;
    if (tx > cx) return PORT_E;
    if (tx < cx) return PORT_W;
    if (dy > cy) return PORT_S;
    if (dy < cy) return PORT_N;
    if (dx < cx) return PORT_W;
    if (dx > cx) return PORT_E;
    return PORT_L;
  }

  /** The clocked block: BookSim's ReadInputs, InternalStep (evaluate, update) and WriteOutputs. */
  private tick(): void {
    if (this.reset.value === 1) {
      this.clearState();
      if (this.dirty !== 0) this.clearOutputs();
      return;
    }
    const now = this.t++;
    const inp = this.inp;
    const crIn = this.crIn;
    let arrived = 0;
    for (let p = 0; p < NPORTS; p++) {
      if ((inp[p]!.ctl.value & 1) !== 0) arrived |= 1 << p;
      const c = crIn[p]!.value;
      if (c !== 0) this.pushCredit(p, c >>> 1, now + this.L + this.CD);
    }
    if (arrived !== 0) this.receive(arrived, now);
    if (this.busy === 0) {
      if (this.dirty !== 0) this.clearOutputs();
      return;
    }
    this.crMask = 0;
    if (this.nCred !== 0) this.applyCredits(now);
    if (this.nBuf !== 0) {
      if (this.nVa !== 0) this.allocateVcs(now);
      this.allocateSwitch(now);
    }
    if (this.nXb !== 0 || this.crMask !== 0 || this.dirty !== 0) this.writeOutputs(now);
  }

  private clearOutputs(): void {
    for (let p = 0; p < NPORTS; p++) {
      if ((this.dirty & (1 << p)) !== 0) this.oregs[p]!.ctl.next = 0;
      if ((this.dirty & (256 << p)) !== 0) this.crRegs[p]!.next = 0;
    }
    this.dirty = 0;
  }

  private pushCredit(port: number, vc: number, at: number): void {
    const n = this.cqN;
    const k = this.cqCount[port]!;
    if (k >= n) {
      this.fail(`credit queue overflow at output ${PORT_NAMES[port]}`);
      return;
    }
    const slot = port * n + ((this.cqHead[port]! + k) % n);
    this.cqT[slot] = at;
    this.cqV[slot] = vc;
    this.cqCount[port] = k + 1;
    this.busy++;
    this.nCred++;
  }

  private fail(msg: string): void {
    if (this.error === "") this.error = `${this.path} cycle ${this.t - 1}: ${msg}`;
  }

  /** Writes arriving flits into their VC buffers (usable from cycle now + linkLatency). */
  private receive(arrived: number, now: number): void {
    const V = this.V;
    const B = this.B;
    const ready = now + this.L;
    for (let p = 0; p < NPORTS; p++) {
      if ((arrived & (1 << p)) === 0) continue;
      const link = this.inp[p]!;
      const ctl = link.ctl.value;
      const vc = (ctl >>> VC_SHIFT) & VC_MASK;
      if (vc >= V) {
        this.fail(`flit on input ${PORT_NAMES[p]} names VC ${vc} >= ${V}`);
        continue;
      }
      const i = p * V + vc;
      const n = this.bufCount[i]!;
      if (n >= B) {
        this.fail(`buffer overflow on input ${PORT_NAMES[p]} VC ${vc} (no credit was available)`);
        continue;
      }
      const s = i * B + ((this.bufHead[i]! + n) % B);
      this.bufCtl[s] = ctl;
      this.bufSrc[s] = link.src.value;
      this.bufData[s] = link.data.value;
      this.bufCt[s] = link.ct.value;
      this.bufIt[s] = link.it.value;
      this.bufReady[s] = ready;
      if ((ctl & F_HEAD) !== 0) {
        const t = this.ticket[p]!;
        this.bufTicket[s] = t;
        this.ticket[p] = (t + 1) & 0x3fffffff;
      }
      this.bufCount[i] = n + 1;
      this.occMask[p]! |= 1 << vc;
      this.busy++;
      this.nBuf++;
      if (this.vcState[i] === IDLE) {
        if ((ctl & F_HEAD) === 0) this.fail(`body flit on idle input ${PORT_NAMES[p]} VC ${vc}`);
        this.startPacket(i, p, ctl, this.bufSrc[s]!, this.bufTicket[s]!, ready + this.RD);
      }
    }
  }

  private startPacket(i: number, p: number, ctl: number, src: number, ticket: number, vaAt: number): void {
    const r = this.route(ctl, p);
    this.vcFlow[i] = (src & 1023) | (((ctl >>> DX_SHIFT) & 1023) << 10) | (((ctl >>> VNET_SHIFT) & 7) << 20);
    this.vcTicket[i] = ticket;
    this.vcHeadGone[i] = 0;
    this.vcOut0[i] = r & 15;
    this.vcOut1[i] = (r >>> 4) - 1;
    this.vcOvc0[i] = -1;
    this.vcOvc1[i] = -1;
    this.vcState[i] = VA;
    this.vcTime[i] = vaAt;
    this.nVa++;
  }

  private applyCredits(now: number): void {
    const n = this.cqN;
    const V = this.V;
    const wait = this.params.waitTailCredit;
    for (let o = 0; o < NPORTS; o++) {
      let k = this.cqCount[o]!;
      if (k === 0) continue;
      let h = this.cqHead[o]!;
      while (k > 0 && this.cqT[o * n + h]! <= now) {
        const vc = this.cqV[o * n + h]!;
        const j = o * V + vc;
        const occ = this.ovcOcc[j]!;
        if (occ === 0) this.fail(`credit underflow at output ${PORT_NAMES[o]} VC ${vc}`);
        else this.ovcOcc[j] = occ - 1;
        if (wait && occ === 1 && this.ovcTail[j] === 1) {
          this.ovcOwner[j] = -1;
          this.ovcTail[j] = 0;
          this.freeMask[o]! |= 1 << vc;
        }
        h = h + 1 === n ? 0 : h + 1;
        k--;
        this.busy--;
        this.nCred--;
      }
      this.cqHead[o] = h;
      this.cqCount[o] = k;
    }
  }

  // ------------------------------------------------------------------ VC allocation

  private allocateVcs(now: number): void {
    const V = this.V;
    const NI = NPORTS * V;
    let any = 0;
    for (let p = 0; p < NPORTS; p++) {
      let m = this.occMask[p]!;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const i = p * V + vc;
        const st = this.vcState[i]!;
        if (st === VA) {
          if (this.vcTime[i]! > now) continue;
          if (this.occMask[p] !== 1 << vc && this.olderSameFlow(p, i)) continue;
          const o = this.vcOvc0[i]! < 0 ? this.vcOut0[i]! : this.vcOut1[i]!;
          const k = this.vaReqN[o]!;
          this.vaReq[o * NI + k] = i;
          const ctl = this.bufCtl[i * this.B + this.bufHead[i]!]!;
          this.vaReqVm[o * NI + k] = this.vnetMask[(ctl >>> VNET_SHIFT) & VNET_MASK]!;
          this.vaReqN[o] = k + 1;
          any |= 1 << o;
        }
      }
    }
    for (let o = 0; o < NPORTS; o++) {
      if ((any & (1 << o)) === 0) continue;
      if (this.islipVa) this.vaIslip(o, now);
      else this.vaSeparable(o, now);
      this.vaReqN[o] = 0;
    }
    if (this.params.vaDelay > 1) {
      // update phase: grants evaluated vaDelay - 1 cycles ago take effect
      for (let p = 0; p < NPORTS; p++) {
        let m = this.occMask[p]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          if (this.vcState[i] === VA_PEND && this.vcTime[i] === now) this.vaPendingUpdate(i, now);
        }
      }
    }
  }

  /**
   * Packets of one flow (source, destination, vnet) stay in order: a head does not allocate
   * while an older head of its flow at the same input has not left. (They share the XY path,
   * so order at every input keeps order end to end.)
   */
  private olderSameFlow(p: number, i: number): boolean {
    const V = this.V;
    const B = this.B;
    const f = this.vcFlow[i]!;
    const t = this.vcTicket[i]!;
    let m = this.occMask[p]!;
    while (m !== 0) {
      const vc = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const j = p * V + vc;
      if (j === i) continue;
      if (this.vcState[j] !== IDLE && this.vcHeadGone[j] === 0 && this.vcFlow[j] === f && ((this.vcTicket[j]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      const n = this.bufCount[j]!;
      if (n < 2) continue;
      // heads queued behind the VC's current packet (VCs reused before the tail credit returned)
      const h = this.bufHead[j]!;
      for (let k = 1; k < n; k++) {
        const s = j * B + ((h + k) % B);
        const c = this.bufCtl[s]!;
        if ((c & F_HEAD) === 0) continue;
        const g = (this.bufSrc[s]! & 1023) | (((c >>> DX_SHIFT) & 1023) << 10) | (((c >>> VNET_SHIFT) & 7) << 20);
        if (g === f && ((this.bufTicket[s]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      }
    }
    return false;
  }

  /** iSLIP over the output VCs of port `o` (every requester asks for every free VC of its class). */
  private vaIslip(o: number, now: number): void {
    const V = this.V;
    const NI = NPORTS * V;
    const n = this.vaReqN[o]!;
    const base = o * NI;
    const fm = this.freeMask[o]!;
    if (n === 1) {
      const i = this.vaReq[base]!;
      const m = fm & this.vaReqVm[base]!;
      if (m === 0) return this.vaResult(i, -1, now);
      const a = this.vaA[i]!;
      const start = a > o * V && a < o * V + V ? a - o * V : 0;
      const v = firstFrom(m, start);
      this.vaG[o * V + v] = i + 1 === NI ? 0 : i + 1;
      this.vaA[i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
      return this.vaResult(i, v, now);
    }
    const inMatch = this.vaInMatch;
    for (let k = 0; k < n; k++) inMatch[this.vaReq[base + k]!] = -1;
    let outFree = fm;
    const grants = this.vaGrants;
    for (let iter = 0; iter < this.params.vcIters; iter++) {
      // grant: each unmatched free output VC picks the first unmatched requester from its pointer
      let m = outFree;
      let granted = false;
      while (m !== 0) {
        const v = 31 - Math.clz32(m & -m);
        m &= m - 1;
        grants[v] = -1;
        const g = this.vaG[o * V + v]!;
        let k0 = 0;
        while (k0 < n && this.vaReq[base + k0]! < g) k0++;
        for (let c = 0; c < n; c++) {
          let k = k0 + c;
          if (k >= n) k -= n;
          const i = this.vaReq[base + k]!;
          if (inMatch[i] === -1 && ((this.vaReqVm[base + k]! >>> v) & 1) !== 0) {
            grants[v] = i;
            granted = true;
            break;
          }
        }
      }
      if (!granted) break;
      // accept: each unmatched requester picks the first granting VC from its pointer
      for (let k = 0; k < n; k++) {
        const i = this.vaReq[base + k]!;
        if (inMatch[i] !== -1) continue;
        let gm = 0;
        let mm = outFree & this.vaReqVm[base + k]!;
        while (mm !== 0) {
          const v = 31 - Math.clz32(mm & -mm);
          mm &= mm - 1;
          if (grants[v] === i) gm |= 1 << v;
        }
        if (gm === 0) continue;
        const a = this.vaA[i]!;
        const v = firstFrom(gm, a > o * V && a < o * V + V ? a - o * V : 0);
        inMatch[i] = v;
        outFree &= ~(1 << v);
        if (iter === 0) {
          this.vaG[o * V + v] = i + 1 === NI ? 0 : i + 1;
          this.vaA[i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
        }
      }
    }
    for (let k = 0; k < n; k++) {
      const i = this.vaReq[base + k]!;
      this.vaResult(i, inMatch[i]!, now);
    }
  }

  /** Separable input-first round-robin: each requester picks a free VC, each VC picks a requester. */
  private vaSeparable(o: number, now: number): void {
    const V = this.V;
    const NI = NPORTS * V;
    const n = this.vaReqN[o]!;
    const base = o * NI;
    const fm = this.freeMask[o]!;
    const grants = this.vaGrants;
    grants.fill(-1);
    const inMatch = this.vaInMatch;
    for (let k = 0; k < n; k++) {
      const i = this.vaReq[base + k]!;
      inMatch[i] = -1;
      const m = fm & this.vaReqVm[base + k]!;
      if (m === 0) continue;
      const a = this.vaA[i]!;
      const v = firstFrom(m, a > o * V && a < o * V + V ? a - o * V : 0);
      // output arbiter: keep the requester nearest after the VC's pointer
      const cur = grants[v]!;
      const g = this.vaG[o * V + v]!;
      if (cur < 0 || (i - g + NI) % NI < (cur - g + NI) % NI) grants[v] = i;
    }
    for (let v = 0; v < V; v++) {
      const i = grants[v]!;
      if (i < 0) continue;
      inMatch[i] = v;
      this.vaG[o * V + v] = i + 1 === NI ? 0 : i + 1;
      this.vaA[i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
    }
    for (let k = 0; k < n; k++) {
      const i = this.vaReq[base + k]!;
      this.vaResult(i, inMatch[i]!, now);
    }
  }

  /** Outcome of VC allocation for input VC i evaluated at `now`: output VC v of its target port, or -1. */
  private vaResult(i: number, v: number, now: number): void {
    const d = this.params.vaDelay;
    if (v < 0) {
      this.vcTime[i] = now + d;
      return;
    }
    if (d === 1) {
      this.takeVc(i, v, now);
      return;
    }
    this.vcState[i] = VA_PEND;
    this.vcGrant[i] = v;
    this.vcTime[i] = now + d - 1;
  }

  private vaPendingUpdate(i: number, now: number): void {
    const o = this.vcOvc0[i]! < 0 ? this.vcOut0[i]! : this.vcOut1[i]!;
    const v = this.vcGrant[i]!;
    if (this.ovcOwner[o * this.V + v]! >= 0) {
      this.vcState[i] = VA;
      this.vcTime[i] = now + 1;
      return;
    }
    this.takeVc(i, v, now);
  }

  private takeVc(i: number, v: number, now: number): void {
    const second = this.vcOvc0[i]! >= 0;
    const o = second ? this.vcOut1[i]! : this.vcOut0[i]!;
    const j = o * this.V + v;
    this.ovcOwner[j] = i;
    this.ovcTail[j] = 0;
    this.freeMask[o]! &= ~(1 << v);
    if (second) this.vcOvc1[i] = v;
    else this.vcOvc0[i] = v;
    if (!second && this.vcOut1[i]! >= 0) {
      this.vcState[i] = VA;
      this.vcTime[i] = now + 1;
      return;
    }
    this.vcState[i] = ACTIVE;
    this.nVa--;
    this.vcNeed[i] = this.vcOut1[i]! >= 0 ? 3 : 1;
    this.vcTime[i] = now + 1;
  }

  // ------------------------------------------------------------------ switch allocation

  private allocateSwitch(now: number): void {
    const V = this.V;
    const B = this.B;
    const P = NPORTS;
    let anyReq = 0;
    for (let p = 0; p < P; p++) {
      let m = this.occMask[p]!;
      this.saInReq[p] = 0;
      if (m === 0) continue;
      const rr = this.saRr[p]!;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const i = p * V + vc;
        if (this.vcState[i] !== ACTIVE) continue;
        if (this.vcSaPend[i] === 1) continue;
        if (this.vcTime[i]! > now) continue;
        if (this.bufReady[i * B + this.bufHead[i]!]! > now) continue;
        const first = (this.vcNeed[i]! & 1) !== 0;
        const o = first ? this.vcOut0[i]! : this.vcOut1[i]!;
        const ovc = first ? this.vcOvc0[i]! : this.vcOvc1[i]!;
        if (this.ovcOcc[o * V + ovc]! >= B) continue;
        const li = p * P + o;
        if ((this.saInReq[p]! & (1 << o)) !== 0) {
          // one request per (input, output): the VC nearest after the round-robin offset wins
          const cur = this.saLabel[li]!;
          if ((vc - rr + V) % V >= (cur - rr + V) % V) continue;
        }
        this.saLabel[li] = vc;
        this.saInReq[p]! |= 1 << o;
        anyReq = 1;
      }
    }
    if (anyReq !== 0) this.switchMatch(now);
    if (this.params.saDelay > 1) {
      // update phase: grants evaluated saDelay - 1 cycles ago take effect
      for (let p = 0; p < P; p++) {
        let m = this.occMask[p]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          if (this.vcSaPend[i] === 1 && this.vcSaTime[i] === now) this.saPendingUpdate(i, p, now);
        }
      }
    }
  }

  private switchMatch(now: number): void {
    const V = this.V;
    const P = NPORTS;
    for (let o = 0; o < P; o++) this.saReqMask[o] = 0;
    for (let p = 0; p < P; p++) {
      let m = this.saInReq[p]!;
      while (m !== 0) {
        const o = 31 - Math.clz32(m & -m);
        m &= m - 1;
        this.saReqMask[o]! |= 1 << p;
      }
    }
    const grants = this.saGrants;
    let inMatched = 0;
    let outMatched = 0;
    const inMatch = this.vaInMatch; // scratch, P entries
    let conflict = false;
    for (let p = 0; p < P; p++) {
      inMatch[p] = -1;
      const r = this.saInReq[p]!;
      if ((r & (r - 1)) !== 0) conflict = true;
      const q = this.saReqMask[p]!;
      if ((q & (q - 1)) !== 0) conflict = true;
    }
    if (!conflict) {
      // every output has at most one requester and every input one request: all are granted
      // (iSLIP and the separable allocator agree; pointers move as for a first-iteration accept)
      for (let o = 0; o < P; o++) {
        const q = this.saReqMask[o]!;
        if (q === 0) continue;
        const p = 31 - Math.clz32(q);
        inMatch[p] = o;
        this.saG[o] = p + 1 === P ? 0 : p + 1;
        this.saA[p] = o + 1 === P ? 0 : o + 1;
      }
    } else if (this.islipSa) {
      for (let iter = 0; iter < this.params.swIters; iter++) {
        let granted = false;
        for (let o = 0; o < P; o++) {
          grants[o] = -1;
          if ((outMatched & (1 << o)) !== 0) continue;
          const req = this.saReqMask[o]! & ~inMatched;
          if (req === 0) continue;
          grants[o] = firstFrom(req, this.saG[o]!);
          granted = true;
        }
        if (!granted) break;
        for (let p = 0; p < P; p++) {
          if ((inMatched & (1 << p)) !== 0 || this.saInReq[p] === 0) continue;
          let gm = 0;
          for (let o = 0; o < P; o++) if (grants[o] === p) gm |= 1 << o;
          if (gm === 0) continue;
          const o = firstFrom(gm, this.saA[p]!);
          inMatch[p] = o;
          inMatched |= 1 << p;
          outMatched |= 1 << o;
          if (iter === 0) {
            this.saG[o] = p + 1 === P ? 0 : p + 1;
            this.saA[p] = o + 1 === P ? 0 : o + 1;
          }
        }
      }
    } else {
      // separable input-first round-robin
      for (let o = 0; o < P; o++) grants[o] = -1;
      for (let p = 0; p < P; p++) {
        const req = this.saInReq[p]!;
        if (req === 0) continue;
        const o = firstFrom(req, this.saA[p]!);
        const cur = grants[o]!;
        const g = this.saG[o]!;
        if (cur < 0 || (p - g + P) % P < (cur - g + P) % P) grants[o] = p;
      }
      for (let o = 0; o < P; o++) {
        const p = grants[o]!;
        if (p < 0) continue;
        inMatch[p] = o;
        this.saG[o] = p + 1 === P ? 0 : p + 1;
        this.saA[p] = o + 1 === P ? 0 : o + 1;
      }
    }
    const d = this.params.saDelay;
    for (let p = 0; p < P; p++) {
      const o = inMatch[p]!;
      if (o < 0) continue;
      const vc = this.saLabel[p * P + o]!;
      const i = p * V + vc;
      this.saRr[p] = vc + 1 === V ? 0 : vc + 1;
      if (d === 1) this.traverse(i, p, o, now);
      else {
        this.vcSaPend[i] = 1;
        this.vcSaOut[i] = o;
        this.vcSaTime[i] = now + d - 1;
      }
    }
  }

  private saPendingUpdate(i: number, p: number, now: number): void {
    this.vcSaPend[i] = 0;
    const o = this.vcSaOut[i]!;
    const first = (this.vcNeed[i]! & 1) !== 0;
    const ovc = first ? this.vcOvc0[i]! : this.vcOvc1[i]!;
    if (this.ovcOcc[o * this.V + ovc]! >= this.B) {
      this.vcTime[i] = now + 1;
      return;
    }
    this.traverse(i, p, o, now);
  }

  /** Switch allocation won: the front flit of input VC i leaves for output o (switch traversal). */
  private traverse(i: number, p: number, o: number, now: number): void {
    const V = this.V;
    const B = this.B;
    const h = this.bufHead[i]!;
    const s = i * B + h;
    const first = (this.vcNeed[i]! & 1) !== 0;
    const ovc = first ? this.vcOvc0[i]! : this.vcOvc1[i]!;
    let ctl = this.bufCtl[s]!;
    const hops = (ctl >>> HOPS_SHIFT) & HOPS_MASK;
    ctl = (ctl & ~((VC_MASK << VC_SHIFT) | (HOPS_MASK << HOPS_SHIFT))) | (ovc << VC_SHIFT) | ((hops < HOPS_MASK ? hops + 1 : hops) << HOPS_SHIFT);
    const at = now + this.params.stDelay;
    const x = o * this.xq + (at % this.xq);
    if (this.xbT[x]! >= 0) this.fail(`crossbar slot conflict at output ${PORT_NAMES[o]}`);
    this.xbT[x] = at;
    this.xbCtl[x] = ctl;
    this.xbSrc[x] = this.bufSrc[s]!;
    this.xbData[x] = this.bufData[s]!;
    this.xbCt[x] = this.bufCt[s]!;
    this.xbIt[x] = this.bufIt[s]!;
    this.busy++;
    this.nXb++;
    const j = o * V + ovc;
    this.ovcOcc[j]!++;
    const tail = (ctl & F_TAIL) !== 0;
    if (tail) {
      this.ovcTail[j] = 1;
      if (!this.params.waitTailCredit) {
        this.ovcOwner[j] = -1;
        this.ovcTail[j] = 0;
        this.freeMask[o]! |= 1 << ovc;
      }
    }
    const need = this.vcNeed[i]! & ~(first ? 1 : 2);
    if (need !== 0) {
      // multicast: the other copy goes out in a later switch allocation
      this.vcNeed[i] = need;
      this.vcTime[i] = now + 1;
      return;
    }
    // the flit leaves the buffer: credit upstream
    const n = this.bufCount[i]! - 1;
    this.bufCount[i] = n;
    this.bufHead[i] = h + 1 === B ? 0 : h + 1;
    this.busy--;
    this.nBuf--;
    const vc = i - p * V;
    if (n === 0) this.occMask[p]! &= ~(1 << vc);
    this.crSend[p] = 1 | (vc << 1);
    this.crMask |= 1 << p;
    this.vcHeadGone[i] = 1;
    this.vcNeed[i] = this.vcOut1[i]! >= 0 ? 3 : 1;
    if (tail) {
      if (n === 0) this.vcState[i] = IDLE;
      else {
        const s2 = i * B + this.bufHead[i]!;
        const r = this.bufReady[s2]!;
        this.startPacket(i, p, this.bufCtl[s2]!, this.bufSrc[s2]!, this.bufTicket[s2]!, (r > now + 1 ? r : now + 1) + this.RD);
      }
    } else {
      this.vcTime[i] = now + 1;
    }
  }

  private writeOutputs(now: number): void {
    let dirty = 0;
    const xq = this.xq;
    const slot = now % xq;
    for (let o = 0; o < NPORTS; o++) {
      const x = o * xq + slot;
      const r = this.oregs[o]!;
      if (this.xbT[x] === now) {
        this.xbT[x] = -1;
        r.ctl.next = this.xbCtl[x]!;
        r.src.next = this.xbSrc[x]!;
        r.data.next = this.xbData[x]!;
        r.ct.next = this.xbCt[x]!;
        r.it.next = this.xbIt[x]!;
        dirty |= 1 << o;
        this.busy--;
        this.nXb--;
        this.sent[o]!++;
      } else if ((this.dirty & (1 << o)) !== 0) r.ctl.next = 0;
      if ((this.crMask & (1 << o)) !== 0) {
        this.crRegs[o]!.next = this.crSend[o]!;
        dirty |= 256 << o;
      } else if ((this.dirty & (256 << o)) !== 0) this.crRegs[o]!.next = 0;
    }
    this.dirty = dirty;
  }

  // ------------------------------------------------------------------ testbench views

  /** Flits buffered at input port p, VC vc. */
  buffered(p: number, vc: number): number {
    return this.bufCount[p * this.V + vc]!;
  }
  /** Credits in use (flits sent, credit not yet applied) for output port o, VC vc. */
  occupancy(o: number, vc: number): number {
    return this.ovcOcc[o * this.V + vc]!;
  }
  /** Credits for output o, VC vc received but not yet applied (credit delay / link latency). */
  creditsPending(o: number, vc: number): number {
    let n = 0;
    const k = this.cqCount[o]!;
    for (let c = 0; c < k; c++) if (this.cqV[o * this.cqN + ((this.cqHead[o]! + c) % this.cqN)] === vc) n++;
    return n;
  }
  /** Flits in the crossbar pipeline (switch traversal) for output o, VC vc. */
  inCrossbar(o: number, vc: number): number {
    let n = 0;
    for (let s = 0; s < this.xq; s++) {
      const x = o * this.xq + s;
      if (this.xbT[x]! >= 0 && ((this.xbCtl[x]! >>> VC_SHIFT) & VC_MASK) === vc) n++;
    }
    return n;
  }
  /** Number of flits held by the router (buffers and crossbar). */
  get flitsHeld(): number {
    let n = 0;
    for (let i = 0; i < this.bufCount.length; i++) n += this.bufCount[i]!;
    for (let x = 0; x < this.xbT.length; x++) if (this.xbT[x]! >= 0) n++;
    return n;
  }
  /** Throws if a protocol violation was recorded. */
  check(): void {
    if (this.error !== "") throw new SimulationError(this.error);
  }
}
