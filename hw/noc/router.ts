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
 *
 * Speed: at 0.30 packets/node/cycle every router of an 8x8 mesh is busy every cycle, so the
 * per-cycle path is written like a C++ simulator's. The register file is a few Int32Arrays
 * of records (router-layout.ts: buffer slots, input VCs, output VCs, ports, crossbar slots),
 * so one flit or VC touches one or two cache lines; the allocators walk bit masks of the VCs
 * in VA or ACTIVE state and of the ports with work (credits in flight, a flit due, a register
 * to clear) instead of every VC and port; conflict-free switch allocation (the common case)
 * skips the request matrix; the inputs are read through one BitsVec.
 */
import { Module, SimulationError, type Bits, type BitsVec } from "../rtl/index.ts";
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
import {
  ACTIVE,
  FS,
  IDLE,
  O_OCC,
  O_OWNER,
  O_TAIL,
  OS,
  S_CT,
  S_CTL,
  S_DATA,
  S_IT,
  S_READY,
  S_SRC,
  S_TICKET,
  V_COUNT,
  V_FLOW,
  V_GRANT,
  V_HEAD,
  V_HEADGONE,
  V_NEED,
  V_OUT0,
  V_OUT1,
  V_OVC0,
  V_OVC1,
  V_SAOUT,
  V_READY,
  V_SAPEND,
  V_SATIME,
  V_STATE,
  V_TICKET,
  V_TIME,
  VA,
  VA_PEND,
  VS,
  X_CT,
  X_CTL,
  X_DATA,
  X_IT,
  X_SRC,
  X_T,
  XS,
  P_CQCOUNT,
  P_CQHEAD,
  P_CRSEND,
  P_FREE,
  P_OCC,
  P_SAA,
  P_SAG,
  P_SAINREQ,
  P_SALABEL,
  P_SAREQ,
  P_SARR,
  P_TICKET,
  P_VAREQN,
  P_VAMASK,
  P_ACTMASK,
  PS,
} from "./router-layout.ts";

export const PORT_E = 0;
export const PORT_W = 1;
export const PORT_S = 2;
export const PORT_N = 3;
export const PORT_L = 4;
export const NPORTS = 5;
export const PORT_NAMES = ["e", "w", "s", "n", "l"] as const;

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
  /** Output registers in one array: port p's flit words at 5p..5p+4 (LinkOut order), its credit at 25 + p. */
  private readonly outRegs: Bits[];
  /**
   * All input words in one vector (port p: flit words 5p..5p+4 in LinkOut order, credit
   * 25 + p): ten reads a cycle go straight to the value store through one slot table.
   */
  private readonly inVec: BitsVec;

  // ---- register file (see header; record layouts in router-layout.ts) ----
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
  private readonly RD: number;
  /** Output registers holding a non-zero next value (bit p: flit port p, bit 8+p: credit port p). */
  private dirty = 0;
  /** Buffer slots, FS words each (router-layout.ts S_*): input VC i's ring starts at i * RS. */
  private readonly flits: Int32Array;
  /**
   * Words per VC ring: bufDepth slots and one unused. Most VCs only use their first slot (an
   * emptied ring restarts there); a power-of-two stride would put all those slots in a quarter
   * of the cache sets, the odd slot count spreads them over all sets.
   */
  private readonly RS: number;
  /** Input-VC records, VS words each (V_*). */
  private readonly vcs: Int32Array;
  /** Port records, PS words each (P_*): the small per-port state in one array. */
  private readonly pt: Int32Array;
  /** Output-VC records, OS words each (O_*). */
  private readonly ovc: Int32Array;
  /** Credits in flight: a ring of cqN (cycle applied, VC) pairs per output port. */
  private readonly cqN: number;
  private readonly cq: Int32Array;
  /** Crossbar pipeline: record per output port and cycle modulo xq (X_*). */
  private readonly xq: number;
  private readonly xb: Int32Array;
  /** Per crossbar slot (cycle modulo xq): output ports with a flit due (bit o). */
  private readonly xbDue: Int32Array;
  /** (t % xq): the crossbar slot of the next cycle to run. */
  private xbNow = 0;
  /** Cycles from reading a credit to applying it (link latency + credit delay). */
  private readonly creditAt: number;
  /** Output ports with credits in flight (bit o). */
  private cqMask = 0;
  // allocators
  private readonly vaG: Int16Array;
  private readonly vaA: Int16Array;
  private readonly vaReq: Int16Array;
  private readonly vaReqVm: Int32Array;
  private readonly vaInMatch: Int8Array;
  private readonly vaGrants: Int16Array;
  /** Input port of input VC i. */
  private readonly portOf: Uint8Array;
  /** iSLIP scratch: output VCs granted to the k-th requester. */
  private readonly vaGms: Int32Array;
  private readonly saGrants: Int8Array;
  private readonly vnetMask: Int32Array;
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
    const oregs: LinkOut[] = [];
    const crRegs: Bits[] = [];
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
      oregs.push(r);
      this.crIn.push(this.input(`cr_in_${n}`, 6));
      const co = this.output(`cr_out_${n}`, 6);
      const cr = this.reg(`cr_${n}`, 6);
      this.connect(co, cr);
      this.crOut.push(co);
      crRegs.push(cr);
    }
    this.outRegs = [...oregs.flatMap((l) => [l.ctl, l.src, l.data, l.ct, l.it]), ...crRegs];
    this.inVec = this.vec([...this.inp.flatMap((l) => [l.ctl, l.src, l.data, l.ct, l.it]), ...this.crIn]);
    const NI = NPORTS * V;
    this.RS = (B + 1) * FS;
    this.flits = new Int32Array(NI * this.RS);
    this.vcs = new Int32Array(NI * VS);
    this.pt = new Int32Array(NPORTS * PS);
    this.ovc = new Int32Array(NI * OS);
    this.cqN = params.linkLatency + params.creditDelay + 2;
    this.cq = new Int32Array(NPORTS * this.cqN * 2);
    this.xq = params.stDelay + params.saDelay + 1;
    this.xb = new Int32Array(NPORTS * this.xq * XS);
    this.xbDue = new Int32Array(this.xq);
    this.vaG = new Int16Array(NI);
    this.vaA = new Int16Array(NI);
    this.vaReq = new Int16Array(NPORTS * NI);
    this.vaReqVm = new Int32Array(NPORTS * NI);
    this.vaInMatch = new Int8Array(NI);
    this.vaGrants = new Int16Array(V);
    this.portOf = Uint8Array.from({ length: NI }, (_, i) => Math.floor(i / V));
    this.vaGms = new Int32Array(NI);
    this.saGrants = new Int8Array(NPORTS);
    this.vnetMask = new Int32Array(params.vnets);
    const per = V / params.vnets;
    for (let k = 0; k < params.vnets; k++) {
      const m = per === 32 ? -1 : ((1 << per) - 1) | 0;
      this.vnetMask[k] = per === 32 ? -1 : (m << (k * per)) | 0;
    }
    this.L = params.linkLatency;
    this.creditAt = params.linkLatency + params.creditDelay;
    this.RD = params.routingDelay;
    this.islipVa = params.vcAlloc === "islip";
    this.islipSa = params.swAlloc === "islip";
    this.clearState();
    this.seq(this.tick);
  }

  private clearState(): void {
    this.t = 0;
    this.xbNow = 0;
    this.busy = 0;
    this.nBuf = 0;
    this.nCred = 0;
    this.nVa = 0;
    this.nXb = 0;
    this.crMask = 0;
    // every VC IDLE, no switch grant pending, empty ring buffers
    this.vcs.fill(0);
    // occupancy, tickets, credit rings, allocator pointers: 0; every output VC free
    this.pt.fill(0);
    const all = this.V === 32 ? -1 : (1 << this.V) - 1;
    for (let p = 0; p < NPORTS; p++) this.pt[p * PS + P_FREE] = all;
    for (let j = 0; j < this.ovc.length; j += OS) {
      this.ovc[j + O_OWNER] = -1;
      this.ovc[j + O_OCC] = 0;
      this.ovc[j + O_TAIL] = 0;
    }
    for (let x = 0; x < this.xb.length; x += XS) this.xb[x + X_T] = -1;
    this.xbDue.fill(0);
    this.cqMask = 0;
    this.vaG.fill(0);
    this.vaA.fill(0);
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
    // crossbar slot of this cycle (now % xq), kept incrementally: no division per cycle
    const xbNow = this.xbNow;
    this.xbNow = xbNow + 1 === this.xq ? 0 : xbNow + 1;
    const iv = this.inVec;
    let arrived = 0;
    for (let p = 0; p < NPORTS; p++) {
      if ((iv.get(p * 5) & 1) !== 0) arrived |= 1 << p;
      const c = iv.get(25 + p);
      if (c !== 0) this.pushCredit(p, c >>> 1, now + this.creditAt);
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
      if ((this.dirty & (1 << p)) !== 0) this.outRegs[p * 5]!.next = 0;
      if ((this.dirty & (256 << p)) !== 0) this.outRegs[25 + p]!.next = 0;
    }
    this.dirty = 0;
  }

  private pushCredit(port: number, vc: number, at: number): void {
    const n = this.cqN;
    const k = this.pt[port * PS + P_CQCOUNT]!;
    if (k >= n) {
      this.fail(`credit queue overflow at output ${PORT_NAMES[port]}`);
      return;
    }
    let h = this.pt[port * PS + P_CQHEAD]! + k;
    if (h >= n) h -= n;
    const slot = port * n + h;
    this.cq[2 * slot] = at;
    this.cq[2 * slot + 1] = vc;
    this.pt[port * PS + P_CQCOUNT] = k + 1;
    this.cqMask |= 1 << port;
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
    const iv = this.inVec;
    const vcs = this.vcs;
    const flits = this.flits;
    for (let p = 0; p < NPORTS; p++) {
      if ((arrived & (1 << p)) === 0) continue;
      const ctl = iv.get(p * 5);
      const vc = (ctl >>> VC_SHIFT) & VC_MASK;
      if (vc >= V) {
        this.fail(`flit on input ${PORT_NAMES[p]} names VC ${vc} >= ${V}`);
        continue;
      }
      const i = p * V + vc;
      const r = i * VS;
      const n = vcs[r + V_COUNT]!;
      if (n >= B) {
        this.fail(`buffer overflow on input ${PORT_NAMES[p]} VC ${vc} (no credit was available)`);
        continue;
      }
      let k = vcs[r + V_HEAD]! + n;
      if (k >= B) k -= B;
      const s = i * this.RS + k * FS;
      flits[s + S_CTL] = ctl;
      flits[s + S_SRC] = iv.get(p * 5 + 1);
      flits[s + S_DATA] = iv.get(p * 5 + 2);
      flits[s + S_CT] = iv.get(p * 5 + 3);
      flits[s + S_IT] = iv.get(p * 5 + 4);
      flits[s + S_READY] = ready;
      if ((ctl & F_HEAD) !== 0) {
        const t = this.pt[p * PS + P_TICKET]!;
        flits[s + S_TICKET] = t;
        this.pt[p * PS + P_TICKET] = (t + 1) & 0x3fffffff;
      }
      vcs[r + V_COUNT] = n + 1;
      if (n === 0) vcs[r + V_READY] = ready;
      this.pt[p * PS + P_OCC] |= 1 << vc;
      this.busy++;
      this.nBuf++;
      if (vcs[r + V_STATE] === IDLE) {
        if ((ctl & F_HEAD) === 0) this.fail(`body flit on idle input ${PORT_NAMES[p]} VC ${vc}`);
        this.startPacket(i, p, ctl, flits[s + S_SRC]!, flits[s + S_TICKET]!, ready + this.RD);
      }
    }
  }

  /** Sets input VC i's state, keeping the port's VA and ACTIVE masks (the allocators' work lists). */
  private setState(i: number, st: number): void {
    this.vcs[i * VS + V_STATE] = st;
    const p = this.portOf[i]!;
    const bit = 1 << (i - p * this.V);
    const b = p * PS;
    const pt = this.pt;
    pt[b + P_VAMASK] = st === VA ? pt[b + P_VAMASK]! | bit : pt[b + P_VAMASK]! & ~bit;
    pt[b + P_ACTMASK] = st === ACTIVE ? pt[b + P_ACTMASK]! | bit : pt[b + P_ACTMASK]! & ~bit;
  }

  private startPacket(i: number, p: number, ctl: number, src: number, ticket: number, vaAt: number): void {
    const rt = this.route(ctl, p);
    const vcs = this.vcs;
    const r = i * VS;
    vcs[r + V_FLOW] = (src & 1023) | (((ctl >>> DX_SHIFT) & 1023) << 10) | (((ctl >>> VNET_SHIFT) & 7) << 20);
    vcs[r + V_TICKET] = ticket;
    vcs[r + V_HEADGONE] = 0;
    vcs[r + V_OUT0] = rt & 15;
    vcs[r + V_OUT1] = (rt >>> 4) - 1;
    vcs[r + V_OVC0] = -1;
    vcs[r + V_OVC1] = -1;
    this.setState(i, VA);
    vcs[r + V_TIME] = vaAt;
    this.nVa++;
  }

  private applyCredits(now: number): void {
    const n = this.cqN;
    const V = this.V;
    const wait = this.params.waitTailCredit;
    const ovc = this.ovc;
    let ports = this.cqMask;
    while (ports !== 0) {
      const o = 31 - Math.clz32(ports & -ports);
      ports &= ports - 1;
      let k = this.pt[o * PS + P_CQCOUNT]!;
      let h = this.pt[o * PS + P_CQHEAD]!;
      while (k > 0 && this.cq[2 * (o * n + h)]! <= now) {
        const vc = this.cq[2 * (o * n + h) + 1]!;
        const j = (o * V + vc) * OS;
        const occ = ovc[j + O_OCC]!;
        if (occ === 0) this.fail(`credit underflow at output ${PORT_NAMES[o]} VC ${vc}`);
        else ovc[j + O_OCC] = occ - 1;
        if (wait && occ === 1 && ovc[j + O_TAIL] === 1) {
          ovc[j + O_OWNER] = -1;
          ovc[j + O_TAIL] = 0;
          this.pt[o * PS + P_FREE] |= 1 << vc;
        }
        h = h + 1 === n ? 0 : h + 1;
        k--;
        this.busy--;
        this.nCred--;
      }
      this.pt[o * PS + P_CQHEAD] = h;
      this.pt[o * PS + P_CQCOUNT] = k;
      if (k === 0) this.cqMask &= ~(1 << o);
    }
  }

  // ------------------------------------------------------------------ VC allocation

  private allocateVcs(now: number): void {
    const V = this.V;
    const NI = NPORTS * V;
    const vcs = this.vcs;
    let any = 0;
    for (let p = 0; p < NPORTS; p++) {
      const occ = this.pt[p * PS + P_OCC]!;
      // VCs in VA state (they hold their head flit, so they are a subset of occ)
      let m = this.pt[p * PS + P_VAMASK]!;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const i = p * V + vc;
        const r = i * VS;
        if (vcs[r + V_TIME]! > now) continue;
        if (occ !== 1 << vc && this.olderSameFlow(p, i)) continue;
        const o = vcs[r + V_OVC0]! < 0 ? vcs[r + V_OUT0]! : vcs[r + V_OUT1]!;
        const k = this.pt[o * PS + P_VAREQN]!;
        this.vaReq[o * NI + k] = i;
        // the front flit is the packet's head: its vnet is in the flow word (bits 20..22)
        this.vaReqVm[o * NI + k] = this.vnetMask[(vcs[r + V_FLOW]! >>> 20) & VNET_MASK]!;
        this.pt[o * PS + P_VAREQN] = k + 1;
        any |= 1 << o;
      }
    }
    for (let o = 0; o < NPORTS; o++) {
      if ((any & (1 << o)) === 0) continue;
      if (this.islipVa) this.vaIslip(o, now);
      else this.vaSeparable(o, now);
      this.pt[o * PS + P_VAREQN] = 0;
    }
    if (this.params.vaDelay > 1) {
      // update phase: grants evaluated vaDelay - 1 cycles ago take effect
      for (let p = 0; p < NPORTS; p++) {
        let m = this.pt[p * PS + P_OCC]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          if (vcs[i * VS + V_STATE] === VA_PEND && vcs[i * VS + V_TIME] === now) this.vaPendingUpdate(i, now);
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
    const vcs = this.vcs;
    const flits = this.flits;
    const f = vcs[i * VS + V_FLOW]!;
    const t = vcs[i * VS + V_TICKET]!;
    let m = this.pt[p * PS + P_OCC]!;
    while (m !== 0) {
      const vc = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const j = p * V + vc;
      if (j === i) continue;
      const r = j * VS;
      if (vcs[r + V_STATE] !== IDLE && vcs[r + V_HEADGONE] === 0 && vcs[r + V_FLOW] === f && ((vcs[r + V_TICKET]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      const n = vcs[r + V_COUNT]!;
      if (n < 2) continue;
      // heads queued behind the VC's current packet (VCs reused before the tail credit returned)
      const h = vcs[r + V_HEAD]!;
      for (let k = 1; k < n; k++) {
        const hk = h + k;
        const s = j * this.RS + (hk >= B ? hk - B : hk) * FS;
        const c = flits[s + S_CTL]!;
        if ((c & F_HEAD) === 0) continue;
        const g = (flits[s + S_SRC]! & 1023) | (((c >>> DX_SHIFT) & 1023) << 10) | (((c >>> VNET_SHIFT) & 7) << 20);
        if (g === f && ((flits[s + S_TICKET]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      }
    }
    return false;
  }

  /** iSLIP over the output VCs of port `o` (every requester asks for every free VC of its class). */
  private vaIslip(o: number, now: number): void {
    const V = this.V;
    const NI = NPORTS * V;
    const n = this.pt[o * PS + P_VAREQN]!;
    const base = o * NI;
    const fm = this.pt[o * PS + P_FREE]!;
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
    const gms = this.vaGms;
    for (let iter = 0; iter < this.params.vcIters; iter++) {
      // grant: each unmatched free output VC picks the first unmatched requester from its pointer
      // (each VC grants one requester, so the VCs granted to requester k are collected in
      // gms[k] as the grants are made, instead of being searched for in the accept step)
      let m = outFree;
      let granted = false;
      for (let k = 0; k < n; k++) gms[k] = 0;
      while (m !== 0) {
        const v = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const g = this.vaG[o * V + v]!;
        let k0 = 0;
        while (k0 < n && this.vaReq[base + k0]! < g) k0++;
        for (let c = 0; c < n; c++) {
          let k = k0 + c;
          if (k >= n) k -= n;
          const i = this.vaReq[base + k]!;
          if (inMatch[i] === -1 && ((this.vaReqVm[base + k]! >>> v) & 1) !== 0) {
            gms[k]! |= 1 << v;
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
        const gm = gms[k]!;
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
    const n = this.pt[o * PS + P_VAREQN]!;
    const base = o * NI;
    const fm = this.pt[o * PS + P_FREE]!;
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
    const r = i * VS;
    if (v < 0) {
      this.vcs[r + V_TIME] = now + d;
      return;
    }
    if (d === 1) {
      this.takeVc(i, v, now);
      return;
    }
    this.setState(i, VA_PEND);
    this.vcs[r + V_GRANT] = v;
    this.vcs[r + V_TIME] = now + d - 1;
  }

  private vaPendingUpdate(i: number, now: number): void {
    const vcs = this.vcs;
    const r = i * VS;
    const o = vcs[r + V_OVC0]! < 0 ? vcs[r + V_OUT0]! : vcs[r + V_OUT1]!;
    const v = vcs[r + V_GRANT]!;
    if (this.ovc[(o * this.V + v) * OS + O_OWNER]! >= 0) {
      this.setState(i, VA);
      vcs[r + V_TIME] = now + 1;
      return;
    }
    this.takeVc(i, v, now);
  }

  private takeVc(i: number, v: number, now: number): void {
    const vcs = this.vcs;
    const r = i * VS;
    const second = vcs[r + V_OVC0]! >= 0;
    const o = second ? vcs[r + V_OUT1]! : vcs[r + V_OUT0]!;
    const j = (o * this.V + v) * OS;
    this.ovc[j + O_OWNER] = i;
    this.ovc[j + O_TAIL] = 0;
    this.pt[o * PS + P_FREE] &= ~(1 << v);
    if (second) vcs[r + V_OVC1] = v;
    else vcs[r + V_OVC0] = v;
    if (!second && vcs[r + V_OUT1]! >= 0) {
      this.setState(i, VA);
      vcs[r + V_TIME] = now + 1;
      return;
    }
    this.setState(i, ACTIVE);
    this.nVa--;
    vcs[r + V_NEED] = vcs[r + V_OUT1]! >= 0 ? 3 : 1;
    vcs[r + V_TIME] = now + 1;
  }

  // ------------------------------------------------------------------ switch allocation

  private allocateSwitch(now: number): void {
    const V = this.V;
    const B = this.B;
    const P = NPORTS;
    const vcs = this.vcs;
    const ovc = this.ovc;
    let anyReq = 0;
    // outputs requested so far; conflict: an input requests two outputs or two inputs one output
    let outSeen = 0;
    let conflict = false;
    for (let p = 0; p < P; p++) {
      // ACTIVE VCs with a flit
      let m = this.pt[p * PS + P_OCC]! & this.pt[p * PS + P_ACTMASK]!;
      this.pt[p * PS + P_SAINREQ] = 0;
      if (m === 0) continue;
      const rr = this.pt[p * PS + P_SARR]!;
      let inReq = 0;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const i = p * V + vc;
        const r = i * VS;
        if (vcs[r + V_SAPEND] === 1) continue;
        if (vcs[r + V_TIME]! > now) continue;
        if (vcs[r + V_READY]! > now) continue;
        const first = (vcs[r + V_NEED]! & 1) !== 0;
        const o = first ? vcs[r + V_OUT0]! : vcs[r + V_OUT1]!;
        const ov = first ? vcs[r + V_OVC0]! : vcs[r + V_OVC1]!;
        if (ovc[(o * V + ov) * OS + O_OCC]! >= B) continue;
        const li = p * PS + P_SALABEL + o;
        if ((inReq & (1 << o)) !== 0) {
          // one request per (input, output): the VC nearest after the round-robin offset wins
          const cur = this.pt[li]!;
          const dNew = vc - rr < 0 ? vc - rr + V : vc - rr;
          const dCur = cur - rr < 0 ? cur - rr + V : cur - rr;
          if (dNew >= dCur) continue;
        }
        this.pt[li] = vc;
        inReq |= 1 << o;
        anyReq = 1;
      }
      this.pt[p * PS + P_SAINREQ] = inReq;
      if ((inReq & (inReq - 1)) !== 0 || (outSeen & inReq) !== 0) conflict = true;
      outSeen |= inReq;
    }
    if (anyReq !== 0) {
      if (conflict) this.switchMatch(now);
      else this.grantAll(now);
    }
    if (this.params.saDelay > 1) {
      // update phase: grants evaluated saDelay - 1 cycles ago take effect
      for (let p = 0; p < P; p++) {
        let m = this.pt[p * PS + P_OCC]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          if (vcs[i * VS + V_SAPEND] === 1 && vcs[i * VS + V_SATIME] === now) this.saPendingUpdate(i, p, now);
        }
      }
    }
  }

  /**
   * Switch allocation without conflicts: every output has at most one requester and every
   * input one request, so all are granted (iSLIP and the separable allocator agree; pointers
   * move as for a first-iteration accept). Same outcome as switchMatch, without its matrix.
   */
  private grantAll(now: number): void {
    const P = NPORTS;
    const pt = this.pt;
    for (let p = 0; p < P; p++) {
      const r = pt[p * PS + P_SAINREQ]!;
      if (r === 0) continue;
      const o = 31 - Math.clz32(r);
      pt[o * PS + P_SAG] = p + 1 === P ? 0 : p + 1;
      pt[p * PS + P_SAA] = o + 1 === P ? 0 : o + 1;
      this.grant(p, o, now);
    }
  }

  /** Input p won output o: its labelled VC's front flit traverses now (or after the SA delay). */
  private grant(p: number, o: number, now: number): void {
    const V = this.V;
    const vc = this.pt[p * PS + P_SALABEL + o]!;
    const i = p * V + vc;
    this.pt[p * PS + P_SARR] = vc + 1 === V ? 0 : vc + 1;
    const d = this.params.saDelay;
    if (d === 1) this.traverse(i, p, o, now);
    else {
      this.vcs[i * VS + V_SAPEND] = 1;
      this.vcs[i * VS + V_SAOUT] = o;
      this.vcs[i * VS + V_SATIME] = now + d - 1;
    }
  }

  /** General switch allocation (some input or output has several requests). */
  private switchMatch(now: number): void {
    const P = NPORTS;
    for (let o = 0; o < P; o++) this.pt[o * PS + P_SAREQ] = 0;
    for (let p = 0; p < P; p++) {
      let m = this.pt[p * PS + P_SAINREQ]!;
      while (m !== 0) {
        const o = 31 - Math.clz32(m & -m);
        m &= m - 1;
        this.pt[o * PS + P_SAREQ] |= 1 << p;
      }
    }
    const grants = this.saGrants;
    let inMatched = 0;
    let outMatched = 0;
    const inMatch = this.vaInMatch; // scratch, P entries
    for (let p = 0; p < P; p++) inMatch[p] = -1;
    if (this.islipSa) {
      for (let iter = 0; iter < this.params.swIters; iter++) {
        let granted = false;
        for (let o = 0; o < P; o++) {
          grants[o] = -1;
          if ((outMatched & (1 << o)) !== 0) continue;
          const req = this.pt[o * PS + P_SAREQ]! & ~inMatched;
          if (req === 0) continue;
          grants[o] = firstFrom(req, this.pt[o * PS + P_SAG]!);
          granted = true;
        }
        if (!granted) break;
        for (let p = 0; p < P; p++) {
          if ((inMatched & (1 << p)) !== 0 || this.pt[p * PS + P_SAINREQ]! === 0) continue;
          let gm = 0;
          for (let o = 0; o < P; o++) if (grants[o] === p) gm |= 1 << o;
          if (gm === 0) continue;
          const o = firstFrom(gm, this.pt[p * PS + P_SAA]!);
          inMatch[p] = o;
          inMatched |= 1 << p;
          outMatched |= 1 << o;
          if (iter === 0) {
            this.pt[o * PS + P_SAG] = p + 1 === P ? 0 : p + 1;
            this.pt[p * PS + P_SAA] = o + 1 === P ? 0 : o + 1;
          }
        }
      }
    } else {
      // separable input-first round-robin
      for (let o = 0; o < P; o++) grants[o] = -1;
      for (let p = 0; p < P; p++) {
        const req = this.pt[p * PS + P_SAINREQ]!;
        if (req === 0) continue;
        const o = firstFrom(req, this.pt[p * PS + P_SAA]!);
        const cur = grants[o]!;
        const g = this.pt[o * PS + P_SAG]!;
        if (cur < 0 || (p - g + P) % P < (cur - g + P) % P) grants[o] = p;
      }
      for (let o = 0; o < P; o++) {
        const p = grants[o]!;
        if (p < 0) continue;
        inMatch[p] = o;
        this.pt[o * PS + P_SAG] = p + 1 === P ? 0 : p + 1;
        this.pt[p * PS + P_SAA] = o + 1 === P ? 0 : o + 1;
      }
    }
    for (let p = 0; p < P; p++) {
      const o = inMatch[p]!;
      if (o >= 0) this.grant(p, o, now);
    }
  }

  private saPendingUpdate(i: number, p: number, now: number): void {
    const vcs = this.vcs;
    const r = i * VS;
    vcs[r + V_SAPEND] = 0;
    const o = vcs[r + V_SAOUT]!;
    const first = (vcs[r + V_NEED]! & 1) !== 0;
    const ov = first ? vcs[r + V_OVC0]! : vcs[r + V_OVC1]!;
    if (this.ovc[(o * this.V + ov) * OS + O_OCC]! >= this.B) {
      vcs[r + V_TIME] = now + 1;
      return;
    }
    this.traverse(i, p, o, now);
  }

  /** Switch allocation won: the front flit of input VC i leaves for output o (switch traversal). */
  private traverse(i: number, p: number, o: number, now: number): void {
    const V = this.V;
    const B = this.B;
    const vcs = this.vcs;
    const flits = this.flits;
    const xb = this.xb;
    const r = i * VS;
    const h = vcs[r + V_HEAD]!;
    const s = i * this.RS + h * FS;
    const first = (vcs[r + V_NEED]! & 1) !== 0;
    const ov = first ? vcs[r + V_OVC0]! : vcs[r + V_OVC1]!;
    let ctl = flits[s + S_CTL]!;
    const hops = (ctl >>> HOPS_SHIFT) & HOPS_MASK;
    ctl = (ctl & ~((VC_MASK << VC_SHIFT) | (HOPS_MASK << HOPS_SHIFT))) | (ov << VC_SHIFT) | ((hops < HOPS_MASK ? hops + 1 : hops) << HOPS_SHIFT);
    const at = now + this.params.stDelay;
    // slot of cycle now + stDelay (stDelay < xq)
    let xs = this.xbNow + this.params.stDelay - 1;
    if (xs >= this.xq) xs -= this.xq;
    const x = (o * this.xq + xs) * XS;
    if (xb[x + X_T]! >= 0) this.fail(`crossbar slot conflict at output ${PORT_NAMES[o]}`);
    xb[x + X_T] = at;
    this.xbDue[xs]! |= 1 << o;
    xb[x + X_CTL] = ctl;
    xb[x + X_SRC] = flits[s + S_SRC]!;
    xb[x + X_DATA] = flits[s + S_DATA]!;
    xb[x + X_CT] = flits[s + S_CT]!;
    xb[x + X_IT] = flits[s + S_IT]!;
    this.busy++;
    this.nXb++;
    const j = (o * V + ov) * OS;
    this.ovc[j + O_OCC]!++;
    const tail = (ctl & F_TAIL) !== 0;
    if (tail) {
      this.ovc[j + O_TAIL] = 1;
      if (!this.params.waitTailCredit) {
        this.ovc[j + O_OWNER] = -1;
        this.ovc[j + O_TAIL] = 0;
        this.pt[o * PS + P_FREE] |= 1 << ov;
      }
    }
    const need = vcs[r + V_NEED]! & ~(first ? 1 : 2);
    if (need !== 0) {
      // multicast: the other copy goes out in a later switch allocation
      vcs[r + V_NEED] = need;
      vcs[r + V_TIME] = now + 1;
      return;
    }
    // the flit leaves the buffer: credit upstream
    const n = vcs[r + V_COUNT]! - 1;
    // an emptied ring restarts at slot 0, so short packets keep reusing one slot's cache line
    const h2 = n === 0 || h + 1 === B ? 0 : h + 1;
    vcs[r + V_COUNT] = n;
    vcs[r + V_HEAD] = h2;
    if (n !== 0) vcs[r + V_READY] = flits[i * this.RS + h2 * FS + S_READY]!;
    this.busy--;
    this.nBuf--;
    const vc = i - p * V;
    if (n === 0) this.pt[p * PS + P_OCC] &= ~(1 << vc);
    this.pt[p * PS + P_CRSEND] = 1 | (vc << 1);
    this.crMask |= 1 << p;
    vcs[r + V_HEADGONE] = 1;
    vcs[r + V_NEED] = vcs[r + V_OUT1]! >= 0 ? 3 : 1;
    if (tail) {
      if (n === 0) this.setState(i, IDLE);
      else {
        const s2 = i * this.RS + h2 * FS;
        const rd = vcs[r + V_READY]!;
        this.startPacket(i, p, flits[s2 + S_CTL]!, flits[s2 + S_SRC]!, flits[s2 + S_TICKET]!, (rd > now + 1 ? rd : now + 1) + this.RD);
      }
    } else {
      vcs[r + V_TIME] = now + 1;
    }
  }

  private writeOutputs(now: number): void {
    let dirty = 0;
    const xq = this.xq;
    const slot = this.xbNow === 0 ? xq - 1 : this.xbNow - 1; // now % xq
    const xb = this.xb;
    const regs = this.outRegs;
    // only ports with a flit due, a credit to send, or a register to clear
    let ports = this.xbDue[slot]! | this.crMask | (this.dirty & 31) | ((this.dirty >>> 8) & 31);
    this.xbDue[slot] = 0;
    while (ports !== 0) {
      const o = 31 - Math.clz32(ports & -ports);
      ports &= ports - 1;
      const x = (o * xq + slot) * XS;
      const w = o * 5;
      if (xb[x + X_T] === now) {
        xb[x + X_T] = -1;
        regs[w]!.next = xb[x + X_CTL]!;
        regs[w + 1]!.next = xb[x + X_SRC]!;
        regs[w + 2]!.next = xb[x + X_DATA]!;
        regs[w + 3]!.next = xb[x + X_CT]!;
        regs[w + 4]!.next = xb[x + X_IT]!;
        dirty |= 1 << o;
        this.busy--;
        this.nXb--;
        this.sent[o]!++;
      } else if ((this.dirty & (1 << o)) !== 0) regs[w]!.next = 0;
      if ((this.crMask & (1 << o)) !== 0) {
        regs[25 + o]!.next = this.pt[o * PS + P_CRSEND]!;
        dirty |= 256 << o;
      } else if ((this.dirty & (256 << o)) !== 0) regs[25 + o]!.next = 0;
    }
    this.dirty = dirty;
  }

  // ------------------------------------------------------------------ testbench views

  /** Flits buffered at input port p, VC vc. */
  buffered(p: number, vc: number): number {
    return this.vcs[(p * this.V + vc) * VS + V_COUNT]!;
  }
  /** Credits in use (flits sent, credit not yet applied) for output port o, VC vc. */
  occupancy(o: number, vc: number): number {
    return this.ovc[(o * this.V + vc) * OS + O_OCC]!;
  }
  /** Credits for output o, VC vc received but not yet applied (credit delay / link latency). */
  creditsPending(o: number, vc: number): number {
    let n = 0;
    const k = this.pt[o * PS + P_CQCOUNT]!;
    for (let c = 0; c < k; c++) if (this.cq[2 * (o * this.cqN + ((this.pt[o * PS + P_CQHEAD]! + c) % this.cqN)) + 1] === vc) n++;
    return n;
  }
  /** Flits in the crossbar pipeline (switch traversal) for output o, VC vc. */
  inCrossbar(o: number, vc: number): number {
    let n = 0;
    for (let s = 0; s < this.xq; s++) {
      const x = (o * this.xq + s) * XS;
      if (this.xb[x + X_T]! >= 0 && ((this.xb[x + X_CTL]! >>> VC_SHIFT) & VC_MASK) === vc) n++;
    }
    return n;
  }
  /** Number of flits held by the router (buffers and crossbar). */
  get flitsHeld(): number {
    let n = 0;
    for (let r = 0; r < this.vcs.length; r += VS) n += this.vcs[r + V_COUNT]!;
    for (let x = 0; x < this.xb.length; x += XS) if (this.xb[x + X_T]! >= 0) n++;
    return n;
  }
  /** Throws if a protocol violation was recorded. */
  check(): void {
    if (this.error !== "") throw new SimulationError(this.error);
  }
}
