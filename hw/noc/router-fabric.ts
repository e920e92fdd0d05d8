/**
 * The register files and the clocked logic of all routers of one mesh plane (router.ts is the
 * module of one router: its ports, output registers and testbench views).
 *
 * Each router's clocked block calls `step(index)`: the router reads its input words, updates
 * its own records here and assigns its own output registers, so the result does not depend on
 * the order of the routers. The records are those of an input-buffered wormhole router with
 * virtual channels and credit-based flow control, BookSim2's `IQRouter` timing (docs/noc.md).
 *
 * Why one store for all routers: at 0.30 packets/node/cycle all 64 routers of an 8x8 mesh are
 * busy every cycle, so each cycle walks the state of every router, far more than the L1 cache
 * holds. Per-router objects cost cache misses on their headers (a dozen typed arrays, signal
 * objects) before any data is touched; here the arrays are shared (their headers stay in
 * cache), the small per-router scalars sit in one record that `step` loads into fields and
 * stores back, and the outputs are register arrays. The per-cycle code is the one the
 * per-router model had, with every record index offset by the router's base (fields `*b`).
 *
 * Speed, otherwise: records of a few Int32Arrays (one or two cache lines per flit or VC);
 * bit masks of the VCs in VA or ACTIVE state and of the ports with work (credits in flight,
 * a flit due, a register to clear) instead of scans; conflict-free switch allocation skips the
 * request matrix; a router with empty buffers, no credit in flight and no arriving flit
 * returns after reading its ten input words.
 */
import { SimulationError, type BitsVec, type RegArray } from "../rtl/index.ts";
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

export const PORT_NAMES = ["e", "w", "s", "n", "l"] as const;

/*
 * Record layouts of the register file and the flit fields the per-cycle path uses, as const
 * enums: esbuild (tsx) inlines same-file enum members as literals, while an imported constant
 * costs V8 a cell load and a TDZ check at every use (about 1.4x on the benchmark).
 */

/** Ports. */
const enum Port {
  E = 0,
  W = 1,
  S = 2,
  N = 3,
  L = 4,
  COUNT = 5,
}

/** Flit fields (flit.ts; checked equal below). */
const enum Fl {
  HEAD = 2,
  TAIL = 4,
  VC_SHIFT = 3,
  VC_MASK = 31,
  VNET_SHIFT = 8,
  VNET_MASK = 3,
  MCAST = 1 << 10,
  DX_SHIFT = 11,
  DY_SHIFT = 16,
  COORD_MASK = 31,
  HOPS_SHIFT = 21,
  HOPS_MASK = 31,
  MC_AXIS = 1 << 26,
  MC_END_SHIFT = 27,
}

/** Input-VC states. */
const enum St {
  IDLE = 0,
  /** Waiting for (or in) VC allocation from cycle Vc.TIME on. */
  VA = 1,
  /** VA granted, takes effect at Vc.TIME (vaDelay > 1). */
  VA_PEND = 2,
  /** Output VC(s) held; switch allocation from cycle Vc.TIME on. */
  ACTIVE = 3,
}

/** Buffer slot record (slot k of input VC i at word i * RS + k * Slot.WORDS of `flits`). */
const enum Slot {
  CTL = 0,
  SRC = 1,
  DATA = 2,
  CT = 3,
  IT = 4,
  /** First cycle the flit may leave (arrival + link latency). */
  READY = 5,
  /** Arrival ticket of a head flit at its input port (flow ordering). */
  TICKET = 6,
  WORDS = 8,
}

/** Input-VC record (record p * vcs + vc): one 64-byte cache line. */
const enum Vc {
  STATE = 0,
  TIME = 1,
  /** Output port(s) of the packet (OUT1 = -1: unicast). */
  OUT0 = 2,
  OUT1 = 3,
  /** Output VC held at OUT0 / OUT1 (-1: not yet allocated). */
  OVC0 = 4,
  OVC1 = 5,
  /** Outputs the front flit still has to go to (bit 0: out0, bit 1: out1). */
  NEED = 6,
  /** VC granted, pending (vaDelay > 1: VA_PEND state). */
  GRANT = 7,
  /** Shares GRANT's word: a switch grant is pending only in ACTIVE state, a VC grant only in VA_PEND. */
  SAOUT = 7,
  /** 1 while a switch grant is pending (saDelay > 1), and the cycle it takes effect. */
  SAPEND = 8,
  /** Slot.READY of the front flit (kept here so switch allocation does not read the buffer). */
  READY = 9,
  SATIME = 10,
  /** Flow of the packet at the VC (source, destination, vnet) and its arrival ticket. */
  FLOW = 11,
  TICKET = 12,
  /** 1 once the packet's head flit has left (later packets of the same flow may then allocate). */
  HEADGONE = 13,
  /** Ring buffer of the VC: index of the front slot, flits held. */
  HEAD = 14,
  COUNT = 15,
  WORDS = 16,
}

/** Output-VC record (downstream buffer state, record o * vcs + vc). */
const enum Ov {
  /** Input VC holding the output VC, or -1. */
  OWNER = 0,
  /** Credits in use. */
  OCC = 1,
  /** 1 once the owner's tail has been sent. */
  TAIL = 2,
  WORDS = 4,
}

/** Crossbar slot record (one per output port and cycle modulo the pipeline depth). */
const enum Xb {
  /** Cycle the flit reaches the output register, or -1 (empty). */
  T = 0,
  CTL = 1,
  SRC = 2,
  DATA = 3,
  CT = 4,
  IT = 5,
  WORDS = 8,
}

/**
 * Port state (input side, output side and allocator), field-major per router: field F of port
 * p at F * 5 + p, so the loops over the five ports read one or two cache lines, not five.
 */
const enum Pt {
  /** Input port: VCs with a non-empty buffer. */
  OCC = 0,
  /** Input port: the next head's arrival ticket. */
  TICKET = 1,
  /** Output port: output VCs without an owner. */
  FREE = 2,
  /** Output port: credit ring (front index, entries). */
  CQHEAD = 3,
  CQCOUNT = 4,
  /** Output port: VC-allocation requests collected this cycle. */
  VAREQN = 5,
  /** Switch allocator: output grant pointer, input accept pointer, input's VC round-robin offset. */
  SAG = 6,
  SAA = 7,
  SARR = 8,
  /** Switch allocator: inputs requesting the output (bit p), outputs the input requests (bit o). */
  SAREQ = 9,
  SAINREQ = 10,
  /** Input port: credit word sent upstream this cycle. */
  CRSEND = 11,
  /** Input port: VCs in VA state, VCs in ACTIVE state (the allocators' work lists). */
  VAMASK = 12,
  ACTMASK = 13,
  /** Input port: the VC that requests output o is field SALABEL + o. */
  SALABEL = 16,
  WORDS = 24,
}

if (
  Fl.HEAD !== F_HEAD || Fl.TAIL !== F_TAIL || Fl.VC_SHIFT !== VC_SHIFT || Fl.VC_MASK !== VC_MASK || Fl.VNET_SHIFT !== VNET_SHIFT ||
  Fl.VNET_MASK !== VNET_MASK || Fl.MCAST !== F_MCAST || Fl.DX_SHIFT !== DX_SHIFT || Fl.DY_SHIFT !== DY_SHIFT || Fl.COORD_MASK !== COORD_MASK ||
  Fl.HOPS_SHIFT !== HOPS_SHIFT || Fl.HOPS_MASK !== HOPS_MASK || Fl.MC_AXIS !== MC_AXIS || Fl.MC_END_SHIFT !== MC_END_SHIFT
) {
  throw new Error("router.ts: flit fields differ from flit.ts");
}


/** Per-router scalars (record `index * Rs.WORDS` of `RouterFabric.rs`), loaded into fields while the router steps. */
const enum Rs {
  T = 0,
  BUSY = 1,
  NBUF = 2,
  NCRED = 3,
  NVA = 4,
  NXB = 5,
  CRMASK = 6,
  DIRTY = 7,
  XBNOW = 8,
  CQMASK = 9,
  CX = 10,
  CY = 11,
  WORDS = 16,
}

/** Input words per router in the input vector: port p's flit words at 5p..5p+4 (LinkOut order), its credit at 25 + p. */
export const IN_WORDS = 30;

/** What a router module hands to the fabric: its name and output registers. */
export interface RouterOutputs {
  readonly path: string;
  /** Port p's flit words (LinkOut order). */
  readonly flit: readonly RegArray[];
  /** Credit word of each input port. */
  readonly credit: RegArray;
}

export class RouterFabric {
  readonly params: RouterParams;
  /** Routers. */
  readonly count: number;
  /** Mesh width (columns): destinations at x = 0 / W + 1 are the west / east edge ports. */
  readonly meshW: number;
  private readonly V: number;
  private readonly B: number;
  private readonly L: number;
  private readonly RD: number;
  /** Per-router scalars (Rs). */
  private readonly rs: Int32Array;
  /** First protocol violation of each router (buffer overflow, credit underflow), or "". */
  private readonly errors: string[];
  private readonly paths: string[];
  private readonly oRegs: RegArray[] = [];
  private readonly crRegs: RegArray[] = [];
  /** Every router's input words (IN_WORDS each), bound by the mesh. */
  private inVec: BitsVec | undefined;
  /** Flits that left through each output port (statistics), 5 per router. */
  readonly sent: Float64Array;

  // ---- the stepping router's context: its index, record bases and scalars
  private ri = 0;
  /** First port record / output register of the router (index * 5). */
  private P0 = 0;
  private ib = 0;
  private vb = 0;
  private fb = 0;
  private pb = 0;
  private ob = 0;
  private cb = 0;
  private xbb = 0;
  private xdb = 0;
  private gb = 0;
  private cx = 0;
  private cy = 0;
  private t = 0;
  /** Flits in buffers + credits in flight + flits in the crossbar. */
  private busy = 0;
  /** Flits in the input buffers. */
  private nBuf = 0;
  /** Credits received and not yet applied. */
  private nCred = 0;
  /** Input VCs in St.VA / St.VA_PEND state. */
  private nVa = 0;
  /** Flits in the crossbar pipeline. */
  private nXb = 0;
  /** Input ports that send a credit this cycle (bit p). */
  private crMask = 0;
  /** Output registers holding a non-zero next value (bit p: flit port p, bit 8+p: credit port p). */
  private dirty = 0;
  /** (t % xq): the crossbar slot of the next cycle to run. */
  private xbNow = 0;
  /** Output ports with credits in flight (bit o). */
  private cqMask = 0;

  // ---- register files of all routers (records: the const enums above)
  /**
   * Input VCs: VC i's block of VW words at i * VW holds its record (Vc) and then its ring of
   * bufDepth buffer slots (Slot), so a VC with one flit (the common case: an emptied ring
   * restarts at slot 0) has record and flit in adjacent cache lines. `flits` is the same
   * array seen from the first slot (fb = vb + Vc.WORDS, slot k of VC i at i * RS + k * Slot.WORDS).
   */
  private readonly vcs: Int32Array;
  private readonly flits: Int32Array;
  /** Words per VC block: an odd number of cache lines, so the blocks spread over all cache sets. */
  private readonly VW: number;
  /** Ring stride seen from `flits` (= VW). */
  private readonly RS: number;
  /** Port state, Pt.WORDS * 5 words per router (field-major, see Pt). */
  private readonly pt: Int32Array;
  /** Output-VC records, Ov.WORDS words each. */
  private readonly ovc: Int32Array;
  /** Credits in flight: a ring of cqN (cycle applied, VC) pairs per output port. */
  private readonly cqN: number;
  private readonly cq: Int32Array;
  /** Crossbar pipeline: record per output port and cycle modulo xq (Xb). */
  private readonly xq: number;
  private readonly xb: Int32Array;
  /** Per crossbar slot (cycle modulo xq): output ports with a flit due (bit o). */
  private readonly xbDue: Int32Array;
  /** Cycles from reading a credit to applying it (link latency + credit delay). */
  private readonly creditAt: number;
  // allocators: round-robin pointers per router, scratch shared (used within one step)
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
  /** iSLIP scratch: outputs that granted input p. */
  private readonly saGms: Int32Array;
  private readonly vnetMask: Int32Array;
  private readonly islipVa: boolean;
  private readonly islipSa: boolean;

  constructor(params: RouterParams, count: number, meshW: number) {
    checkRouterParams(params);
    this.params = params;
    this.count = count;
    this.meshW = meshW;
    const V = (this.V = params.vcs);
    const B = (this.B = params.bufDepth);
    const NI = Port.COUNT * V;
    this.rs = new Int32Array(count * Rs.WORDS);
    this.errors = new Array<string>(count).fill("");
    this.paths = new Array<string>(count).fill("");
    this.sent = new Float64Array(count * Port.COUNT);
    const vw = Vc.WORDS + B * Slot.WORDS;
    this.VW = this.RS = vw % 32 === 0 ? vw + 16 : vw;
    this.vcs = this.flits = new Int32Array(count * NI * this.VW);
    this.pt = new Int32Array(count * Port.COUNT * Pt.WORDS);
    this.ovc = new Int32Array(count * NI * Ov.WORDS);
    this.cqN = params.linkLatency + params.creditDelay + 2;
    this.cq = new Int32Array(count * Port.COUNT * this.cqN * 2);
    this.xq = params.stDelay + params.saDelay + 1;
    this.xb = new Int32Array(count * Port.COUNT * this.xq * Xb.WORDS);
    this.xbDue = new Int32Array(count * this.xq);
    this.vaG = new Int16Array(count * NI);
    this.vaA = new Int16Array(count * NI);
    this.vaReq = new Int16Array(Port.COUNT * NI);
    this.vaReqVm = new Int32Array(Port.COUNT * NI);
    this.vaInMatch = new Int8Array(NI);
    this.vaGrants = new Int16Array(V);
    this.portOf = Uint8Array.from({ length: NI }, (_, i) => Math.floor(i / V));
    this.vaGms = new Int32Array(NI);
    this.saGrants = new Int8Array(Port.COUNT);
    this.saGms = new Int32Array(Port.COUNT);
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
    for (let ri = 0; ri < count; ri++) this.clearState(ri);
  }

  /** Registers router `index` (encoded coordinates cx, cy) and its output registers. */
  attach(index: number, cx: number, cy: number, outputs: RouterOutputs): void {
    this.rs[index * Rs.WORDS + Rs.CX] = cx;
    this.rs[index * Rs.WORDS + Rs.CY] = cy;
    this.paths[index] = outputs.path;
    for (let p = 0; p < Port.COUNT; p++) this.oRegs[index * Port.COUNT + p] = outputs.flit[p]!;
    this.crRegs[index] = outputs.credit;
  }

  /** The input words of every router, IN_WORDS per router in index order (see IN_WORDS). */
  bindInputs(inputs: BitsVec): void {
    if (inputs.length !== this.count * IN_WORDS) throw new RangeError(`noc: ${inputs.length} router input words, expected ${this.count * IN_WORDS}`);
    this.inVec = inputs;
  }

  /** Makes router ri the stepping router: record bases and scalars into fields. */
  private enter(ri: number): void {
    const NI = Port.COUNT * this.V;
    this.ri = ri;
    this.P0 = ri * Port.COUNT;
    this.ib = ri * IN_WORDS;
    this.vb = ri * NI * this.VW;
    this.fb = this.vb + Vc.WORDS;
    this.pb = ri * Port.COUNT * Pt.WORDS;
    this.ob = ri * NI * Ov.WORDS;
    this.cb = ri * Port.COUNT * this.cqN * 2;
    this.xbb = ri * Port.COUNT * this.xq * Xb.WORDS;
    this.xdb = ri * this.xq;
    this.gb = ri * NI;
    const rs = this.rs;
    const b = ri * Rs.WORDS;
    this.t = rs[b + Rs.T]!;
    this.busy = rs[b + Rs.BUSY]!;
    this.nBuf = rs[b + Rs.NBUF]!;
    this.nCred = rs[b + Rs.NCRED]!;
    this.nVa = rs[b + Rs.NVA]!;
    this.nXb = rs[b + Rs.NXB]!;
    this.crMask = rs[b + Rs.CRMASK]!;
    this.dirty = rs[b + Rs.DIRTY]!;
    this.xbNow = rs[b + Rs.XBNOW]!;
    this.cqMask = rs[b + Rs.CQMASK]!;
    this.cx = rs[b + Rs.CX]!;
    this.cy = rs[b + Rs.CY]!;
  }

  /** Stores the stepping router's scalars back into its record. */
  private leave(): void {
    const rs = this.rs;
    const b = this.ri * Rs.WORDS;
    rs[b + Rs.T] = this.t;
    rs[b + Rs.BUSY] = this.busy;
    rs[b + Rs.NBUF] = this.nBuf;
    rs[b + Rs.NCRED] = this.nCred;
    rs[b + Rs.NVA] = this.nVa;
    rs[b + Rs.NXB] = this.nXb;
    rs[b + Rs.CRMASK] = this.crMask;
    rs[b + Rs.DIRTY] = this.dirty;
    rs[b + Rs.XBNOW] = this.xbNow;
    rs[b + Rs.CQMASK] = this.cqMask;
  }

  /** Synchronous reset of router ri (its clocked block, reset asserted). */
  reset(ri: number): void {
    const dirty = this.rs[ri * Rs.WORDS + Rs.DIRTY]!;
    this.clearState(ri);
    for (let p = 0; p < Port.COUNT; p++) {
      if ((dirty & (1 << p)) !== 0) this.oRegs[ri * Port.COUNT + p]!.set(0, 0);
      if ((dirty & (256 << p)) !== 0) this.crRegs[ri]!.set(p, 0);
    }
  }

  /**
   * One clock cycle of router ri: BookSim's ReadInputs, InternalStep (evaluate, update) and
   * WriteOutputs. An idle router (nothing buffered or in flight, no register to clear) only
   * reads its input words.
   */
  step(ri: number): void {
    const iv = this.inVec!;
    const rs = this.rs;
    const b = ri * Rs.WORDS;
    const ib = ri * IN_WORDS;
    if (rs[b + Rs.BUSY] === 0 && rs[b + Rs.DIRTY] === 0) {
      let any = 0;
      for (let p = 0; p < Port.COUNT; p++) any |= (iv.get(ib + p * 5) & 1) | iv.get(ib + 25 + p);
      if (any === 0) {
        rs[b + Rs.T]!++;
        const x = rs[b + Rs.XBNOW]! + 1;
        rs[b + Rs.XBNOW] = x === this.xq ? 0 : x;
        return;
      }
    }
    this.enter(ri);
    this.tick();
    this.leave();
  }

  private tick(): void {
    const now = this.t++;
    // crossbar slot of this cycle (now % xq), kept incrementally: no division per cycle
    const xbNow = this.xbNow;
    this.xbNow = xbNow + 1 === this.xq ? 0 : xbNow + 1;
    const iv = this.inVec!;
    const ib = this.ib;
    let arrived = 0;
    for (let p = 0; p < Port.COUNT; p++) {
      if ((iv.get(ib + p * 5) & 1) !== 0) arrived |= 1 << p;
      const c = iv.get(ib + 25 + p);
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

  private clearState(ri: number): void {
    const pt = this.pt;
    const ovc = this.ovc;
    const xb = this.xb;
    const V = this.V;
    const NI = Port.COUNT * V;
    const b = ri * Rs.WORDS;
    this.rs.fill(0, b, b + Rs.CX);
    // every VC St.IDLE, no switch grant pending, empty ring buffers
    this.vcs.fill(0, ri * NI * this.VW, (ri + 1) * NI * this.VW);
    // occupancy, tickets, credit rings, allocator pointers: 0; every output VC free
    const pb = ri * Port.COUNT * Pt.WORDS;
    this.pt.fill(0, pb, pb + Port.COUNT * Pt.WORDS);
    const all = V === 32 ? -1 : (1 << V) - 1;
    for (let p = 0; p < Port.COUNT; p++) pt[pb + Pt.FREE * Port.COUNT + p] = all;
    for (let j = ri * NI * Ov.WORDS; j < (ri + 1) * NI * Ov.WORDS; j += Ov.WORDS) {
      ovc[j + Ov.OWNER] = -1;
      ovc[j + Ov.OCC] = 0;
      ovc[j + Ov.TAIL] = 0;
    }
    const xn = Port.COUNT * this.xq * Xb.WORDS;
    for (let x = ri * xn; x < (ri + 1) * xn; x += Xb.WORDS) xb[x + Xb.T] = -1;
    this.xbDue.fill(0, ri * this.xq, (ri + 1) * this.xq);
    this.vaG.fill(0, ri * NI, (ri + 1) * NI);
    this.vaA.fill(0, ri * NI, (ri + 1) * NI);
    this.errors[ri] = "";
  }

  private clearOutputs(): void {
    for (let p = 0; p < Port.COUNT; p++) {
      if ((this.dirty & (1 << p)) !== 0) this.oRegs[this.P0 + p]!.set(0, 0);
      if ((this.dirty & (256 << p)) !== 0) this.crRegs[this.ri]!.set(p, 0);
    }
    this.dirty = 0;
  }

  private fail(msg: string): void {
    if (this.errors[this.ri] === "") this.errors[this.ri] = `${this.paths[this.ri]} cycle ${this.t - 1}: ${msg}`;
  }

  /** Output ports for a head flit arriving on input `inp`: out0 | (out1 + 1) << 4 (out1 = -1: none). */
  private route(ctl: number, inp: number): number {
    const cx = this.cx;
    const cy = this.cy;
    const dx = (ctl >>> Fl.DX_SHIFT) & Fl.COORD_MASK;
    const dy = (ctl >>> Fl.DY_SHIFT) & Fl.COORD_MASK;
    if ((ctl & Fl.MCAST) !== 0) {
      const end = (ctl >>> Fl.MC_END_SHIFT) & Fl.COORD_MASK;
      if ((ctl & Fl.MC_AXIS) === 0) {
        if (cy === dy && (end >= dx ? cx >= dx && cx <= end : cx <= dx && cx >= end)) {
          if (cx === dx || (end > dx ? inp === Port.W : inp === Port.E)) {
            if (cx === end) return Port.L;
            return (end > cx ? Port.E : Port.W) | ((Port.L + 1) << 4);
          }
        }
      } else if (cx === dx && (end >= dy ? cy >= dy && cy <= end : cy <= dy && cy >= end)) {
        if (cy === dy || (end > dy ? inp === Port.N : inp === Port.S)) {
          if (cy === end) return Port.L;
          return (end > cy ? Port.S : Port.N) | ((Port.L + 1) << 4);
        }
      }
    }
    // XY; a west/east edge port is reached by X to the edge column, Y to its row, then out
    const tx = dx === 0 ? 1 : dx > this.meshW ? this.meshW : dx;
    if (tx > cx) return Port.E;
    if (tx < cx) return Port.W;
    if (dy > cy) return Port.S;
    if (dy < cy) return Port.N;
    if (dx < cx) return Port.W;
    if (dx > cx) return Port.E;
    return Port.L;
  }



  private pushCredit(port: number, vc: number, at: number): void {
    const pt = this.pt;
    const cq = this.cq;
    const pb = this.pb;
    const cb = this.cb;
    const n = this.cqN;
    const k = pt[pb + Pt.CQCOUNT * Port.COUNT + port]!;
    if (k >= n) {
      this.fail(`credit queue overflow at output ${PORT_NAMES[port]}`);
      return;
    }
    let h = pt[pb + Pt.CQHEAD * Port.COUNT + port]! + k;
    if (h >= n) h -= n;
    const slot = port * n + h;
    cq[cb + 2 * slot] = at;
    cq[cb + 2 * slot + 1] = vc;
    pt[pb + Pt.CQCOUNT * Port.COUNT + port] = k + 1;
    this.cqMask |= 1 << port;
    this.busy++;
    this.nCred++;
  }


  /** Writes arriving flits into their VC buffers (usable from cycle now + linkLatency). */
  private receive(arrived: number, now: number): void {
    const pt = this.pt;
    const vb = this.vb;
    const fb = this.fb;
    const pb = this.pb;
    const V = this.V;
    const B = this.B;
    const ready = now + this.L;
    const iv = this.inVec!;
    const vcs = this.vcs;
    const flits = this.flits;
    for (let p = 0; p < Port.COUNT; p++) {
      if ((arrived & (1 << p)) === 0) continue;
      const ctl = iv.get(this.ib + p * 5);
      const vc = (ctl >>> Fl.VC_SHIFT) & Fl.VC_MASK;
      if (vc >= V) {
        this.fail(`flit on input ${PORT_NAMES[p]} names VC ${vc} >= ${V}`);
        continue;
      }
      const i = p * V + vc;
      const r = i * this.VW;
      const n = vcs[vb + r + Vc.COUNT]!;
      if (n >= B) {
        this.fail(`buffer overflow on input ${PORT_NAMES[p]} VC ${vc} (no credit was available)`);
        continue;
      }
      let k = vcs[vb + r + Vc.HEAD]! + n;
      if (k >= B) k -= B;
      const s = i * this.RS + k * Slot.WORDS;
      flits[fb + s + Slot.CTL] = ctl;
      flits[fb + s + Slot.SRC] = iv.get(this.ib + p * 5 + 1);
      flits[fb + s + Slot.DATA] = iv.get(this.ib + p * 5 + 2);
      flits[fb + s + Slot.CT] = iv.get(this.ib + p * 5 + 3);
      flits[fb + s + Slot.IT] = iv.get(this.ib + p * 5 + 4);
      flits[fb + s + Slot.READY] = ready;
      if ((ctl & Fl.HEAD) !== 0) {
        const t = pt[pb + Pt.TICKET * Port.COUNT + p]!;
        flits[fb + s + Slot.TICKET] = t;
        pt[pb + Pt.TICKET * Port.COUNT + p] = (t + 1) & 0x3fffffff;
      }
      vcs[vb + r + Vc.COUNT] = n + 1;
      if (n === 0) vcs[vb + r + Vc.READY] = ready;
      pt[pb + Pt.OCC * Port.COUNT + p] |= 1 << vc;
      this.busy++;
      this.nBuf++;
      if (vcs[vb + r + Vc.STATE] === St.IDLE) {
        if ((ctl & Fl.HEAD) === 0) this.fail(`body flit on idle input ${PORT_NAMES[p]} VC ${vc}`);
        this.startPacket(i, p, ctl, flits[fb + s + Slot.SRC]!, flits[fb + s + Slot.TICKET]!, ready + this.RD);
      }
    }
  }

  /** Sets input VC i's state, keeping the port's St.VA and St.ACTIVE masks (the allocators' work lists). */
  private setState(i: number, st: number): void {
    const vcs = this.vcs;
    const portOf = this.portOf;
    const vb = this.vb;
    const pb = this.pb;
    vcs[vb + i * this.VW + Vc.STATE] = st;
    const p = portOf[i]!;
    const bit = 1 << (i - p * this.V);
    const pt = this.pt;
    const va = pb + Pt.VAMASK * Port.COUNT + p;
    const act = pb + Pt.ACTMASK * Port.COUNT + p;
    pt[va] = st === St.VA ? pt[va]! | bit : pt[va]! & ~bit;
    pt[act] = st === St.ACTIVE ? pt[act]! | bit : pt[act]! & ~bit;
  }

  private startPacket(i: number, p: number, ctl: number, src: number, ticket: number, vaAt: number): void {
    const vb = this.vb;
    const rt = this.route(ctl, p);
    const vcs = this.vcs;
    const r = i * this.VW;
    vcs[vb + r + Vc.FLOW] = (src & 1023) | (((ctl >>> Fl.DX_SHIFT) & 1023) << 10) | (((ctl >>> Fl.VNET_SHIFT) & 7) << 20);
    vcs[vb + r + Vc.TICKET] = ticket;
    vcs[vb + r + Vc.HEADGONE] = 0;
    vcs[vb + r + Vc.OUT0] = rt & 15;
    vcs[vb + r + Vc.OUT1] = (rt >>> 4) - 1;
    vcs[vb + r + Vc.OVC0] = -1;
    vcs[vb + r + Vc.OVC1] = -1;
    this.setState(i, St.VA);
    vcs[vb + r + Vc.TIME] = vaAt;
    this.nVa++;
  }

  private applyCredits(now: number): void {
    const pt = this.pt;
    const cq = this.cq;
    const pb = this.pb;
    const ob = this.ob;
    const cb = this.cb;
    const n = this.cqN;
    const V = this.V;
    const wait = this.params.waitTailCredit;
    const ovc = this.ovc;
    let ports = this.cqMask;
    while (ports !== 0) {
      const o = 31 - Math.clz32(ports & -ports);
      ports &= ports - 1;
      let k = pt[pb + Pt.CQCOUNT * Port.COUNT + o]!;
      let h = pt[pb + Pt.CQHEAD * Port.COUNT + o]!;
      while (k > 0 && cq[cb + 2 * (o * n + h)]! <= now) {
        const vc = cq[cb + 2 * (o * n + h) + 1]!;
        const j = (o * V + vc) * Ov.WORDS;
        const occ = ovc[ob + j + Ov.OCC]!;
        if (occ === 0) this.fail(`credit underflow at output ${PORT_NAMES[o]} VC ${vc}`);
        else ovc[ob + j + Ov.OCC] = occ - 1;
        if (wait && occ === 1 && ovc[ob + j + Ov.TAIL] === 1) {
          ovc[ob + j + Ov.OWNER] = -1;
          ovc[ob + j + Ov.TAIL] = 0;
          pt[pb + Pt.FREE * Port.COUNT + o] |= 1 << vc;
        }
        h = h + 1 === n ? 0 : h + 1;
        k--;
        this.busy--;
        this.nCred--;
      }
      pt[pb + Pt.CQHEAD * Port.COUNT + o] = h;
      pt[pb + Pt.CQCOUNT * Port.COUNT + o] = k;
      if (k === 0) this.cqMask &= ~(1 << o);
    }
  }

  // ------------------------------------------------------------------ VC allocation

  private allocateVcs(now: number): void {
    const pt = this.pt;
    const vaReq = this.vaReq;
    const vaReqVm = this.vaReqVm;
    const vnetMask = this.vnetMask;
    const vb = this.vb;
    const pb = this.pb;
    const V = this.V;
    const NI = Port.COUNT * V;
    const vcs = this.vcs;
    let any = 0;
    for (let p = 0; p < Port.COUNT; p++) {
      const occ = pt[pb + Pt.OCC * Port.COUNT + p]!;
      // VCs in St.VA state (they hold their head flit, so they are a subset of occ)
      let m = pt[pb + Pt.VAMASK * Port.COUNT + p]!;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const i = p * V + vc;
        const r = i * this.VW;
        if (vcs[vb + r + Vc.TIME]! > now) continue;
        if (occ !== 1 << vc && this.olderSameFlow(p, i)) continue;
        const o = vcs[vb + r + Vc.OVC0]! < 0 ? vcs[vb + r + Vc.OUT0]! : vcs[vb + r + Vc.OUT1]!;
        const k = pt[pb + Pt.VAREQN * Port.COUNT + o]!;
        vaReq[o * NI + k] = i;
        // the front flit is the packet's head: its vnet is in the flow word (bits 20..22)
        vaReqVm[o * NI + k] = vnetMask[(vcs[vb + r + Vc.FLOW]! >>> 20) & Fl.VNET_MASK]!;
        pt[pb + Pt.VAREQN * Port.COUNT + o] = k + 1;
        any |= 1 << o;
      }
    }
    for (let o = 0; o < Port.COUNT; o++) {
      if ((any & (1 << o)) === 0) continue;
      if (this.islipVa) this.vaIslip(o, now);
      else this.vaSeparable(o, now);
      pt[pb + Pt.VAREQN * Port.COUNT + o] = 0;
    }
    if (this.params.vaDelay > 1) {
      // update phase: grants evaluated vaDelay - 1 cycles ago take effect
      for (let p = 0; p < Port.COUNT; p++) {
        let m = pt[pb + Pt.OCC * Port.COUNT + p]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          if (vcs[vb + i * this.VW + Vc.STATE] === St.VA_PEND && vcs[vb + i * this.VW + Vc.TIME] === now) this.vaPendingUpdate(i, now);
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
    const pt = this.pt;
    const vb = this.vb;
    const fb = this.fb;
    const pb = this.pb;
    const V = this.V;
    const B = this.B;
    const vcs = this.vcs;
    const flits = this.flits;
    const f = vcs[vb + i * this.VW + Vc.FLOW]!;
    const t = vcs[vb + i * this.VW + Vc.TICKET]!;
    let m = pt[pb + Pt.OCC * Port.COUNT + p]!;
    while (m !== 0) {
      const vc = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const j = p * V + vc;
      if (j === i) continue;
      const r = j * this.VW;
      if (vcs[vb + r + Vc.STATE] !== St.IDLE && vcs[vb + r + Vc.HEADGONE] === 0 && vcs[vb + r + Vc.FLOW] === f && ((vcs[vb + r + Vc.TICKET]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      const n = vcs[vb + r + Vc.COUNT]!;
      if (n < 2) continue;
      // heads queued behind the VC's current packet (VCs reused before the tail credit returned)
      const h = vcs[vb + r + Vc.HEAD]!;
      for (let k = 1; k < n; k++) {
        const hk = h + k;
        const s = j * this.RS + (hk >= B ? hk - B : hk) * Slot.WORDS;
        const c = flits[fb + s + Slot.CTL]!;
        if ((c & Fl.HEAD) === 0) continue;
        const g = (flits[fb + s + Slot.SRC]! & 1023) | (((c >>> Fl.DX_SHIFT) & 1023) << 10) | (((c >>> Fl.VNET_SHIFT) & 7) << 20);
        if (g === f && ((flits[fb + s + Slot.TICKET]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      }
    }
    return false;
  }

  /** iSLIP over the output VCs of port `o` (every requester asks for every free VC of its class). */
  private vaIslip(o: number, now: number): void {
    const pt = this.pt;
    const vaG = this.vaG;
    const vaA = this.vaA;
    const vaReq = this.vaReq;
    const vaReqVm = this.vaReqVm;
    const pb = this.pb;
    const gb = this.gb;
    const V = this.V;
    const NI = Port.COUNT * V;
    const n = pt[pb + Pt.VAREQN * Port.COUNT + o]!;
    const base = o * NI;
    const fm = pt[pb + Pt.FREE * Port.COUNT + o]!;
    if (n === 1) {
      const i = vaReq[base]!;
      const m = fm & vaReqVm[base]!;
      if (m === 0) return this.vaResult(i, -1, now);
      const a = vaA[gb + i]!;
      const start = a > o * V && a < o * V + V ? a - o * V : 0;
      const v = firstFrom(m, start);
      vaG[gb + o * V + v] = i + 1 === NI ? 0 : i + 1;
      vaA[gb + i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
      return this.vaResult(i, v, now);
    }
    const inMatch = this.vaInMatch;
    for (let k = 0; k < n; k++) inMatch[vaReq[base + k]!] = -1;
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
        const g = vaG[gb + o * V + v]!;
        let k0 = 0;
        while (k0 < n && vaReq[base + k0]! < g) k0++;
        for (let c = 0; c < n; c++) {
          let k = k0 + c;
          if (k >= n) k -= n;
          const i = vaReq[base + k]!;
          if (inMatch[i] === -1 && ((vaReqVm[base + k]! >>> v) & 1) !== 0) {
            gms[k]! |= 1 << v;
            granted = true;
            break;
          }
        }
      }
      if (!granted) break;
      // accept: each unmatched requester picks the first granting VC from its pointer
      for (let k = 0; k < n; k++) {
        const i = vaReq[base + k]!;
        if (inMatch[i] !== -1) continue;
        const gm = gms[k]!;
        if (gm === 0) continue;
        const a = vaA[gb + i]!;
        const v = firstFrom(gm, a > o * V && a < o * V + V ? a - o * V : 0);
        inMatch[i] = v;
        outFree &= ~(1 << v);
        if (iter === 0) {
          vaG[gb + o * V + v] = i + 1 === NI ? 0 : i + 1;
          vaA[gb + i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
        }
      }
    }
    for (let k = 0; k < n; k++) {
      const i = vaReq[base + k]!;
      this.vaResult(i, inMatch[i]!, now);
    }
  }

  /** Separable input-first round-robin: each requester picks a free VC, each VC picks a requester. */
  private vaSeparable(o: number, now: number): void {
    const pt = this.pt;
    const vaG = this.vaG;
    const vaA = this.vaA;
    const vaReq = this.vaReq;
    const vaReqVm = this.vaReqVm;
    const pb = this.pb;
    const gb = this.gb;
    const V = this.V;
    const NI = Port.COUNT * V;
    const n = pt[pb + Pt.VAREQN * Port.COUNT + o]!;
    const base = o * NI;
    const fm = pt[pb + Pt.FREE * Port.COUNT + o]!;
    const grants = this.vaGrants;
    grants.fill(-1);
    const inMatch = this.vaInMatch;
    for (let k = 0; k < n; k++) {
      const i = vaReq[base + k]!;
      inMatch[i] = -1;
      const m = fm & vaReqVm[base + k]!;
      if (m === 0) continue;
      const a = vaA[gb + i]!;
      const v = firstFrom(m, a > o * V && a < o * V + V ? a - o * V : 0);
      // output arbiter: keep the requester nearest after the VC's pointer
      const cur = grants[v]!;
      const g = vaG[gb + o * V + v]!;
      if (cur < 0 || (i - g + NI) % NI < (cur - g + NI) % NI) grants[v] = i;
    }
    for (let v = 0; v < V; v++) {
      const i = grants[v]!;
      if (i < 0) continue;
      inMatch[i] = v;
      vaG[gb + o * V + v] = i + 1 === NI ? 0 : i + 1;
      vaA[gb + i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
    }
    for (let k = 0; k < n; k++) {
      const i = vaReq[base + k]!;
      this.vaResult(i, inMatch[i]!, now);
    }
  }

  /** Outcome of VC allocation for input VC i evaluated at `now`: output VC v of its target port, or -1. */
  private vaResult(i: number, v: number, now: number): void {
    const vcs = this.vcs;
    const vb = this.vb;
    const d = this.params.vaDelay;
    const r = i * this.VW;
    if (v < 0) {
      vcs[vb + r + Vc.TIME] = now + d;
      return;
    }
    if (d === 1) {
      this.takeVc(i, v, now);
      return;
    }
    this.setState(i, St.VA_PEND);
    vcs[vb + r + Vc.GRANT] = v;
    vcs[vb + r + Vc.TIME] = now + d - 1;
  }

  private vaPendingUpdate(i: number, now: number): void {
    const ovc = this.ovc;
    const vb = this.vb;
    const ob = this.ob;
    const vcs = this.vcs;
    const r = i * this.VW;
    const o = vcs[vb + r + Vc.OVC0]! < 0 ? vcs[vb + r + Vc.OUT0]! : vcs[vb + r + Vc.OUT1]!;
    const v = vcs[vb + r + Vc.GRANT]!;
    if (ovc[ob + (o * this.V + v) * Ov.WORDS + Ov.OWNER]! >= 0) {
      this.setState(i, St.VA);
      vcs[vb + r + Vc.TIME] = now + 1;
      return;
    }
    this.takeVc(i, v, now);
  }

  private takeVc(i: number, v: number, now: number): void {
    const pt = this.pt;
    const ovc = this.ovc;
    const vb = this.vb;
    const pb = this.pb;
    const ob = this.ob;
    const vcs = this.vcs;
    const r = i * this.VW;
    const second = vcs[vb + r + Vc.OVC0]! >= 0;
    const o = second ? vcs[vb + r + Vc.OUT1]! : vcs[vb + r + Vc.OUT0]!;
    const j = (o * this.V + v) * Ov.WORDS;
    ovc[ob + j + Ov.OWNER] = i;
    ovc[ob + j + Ov.TAIL] = 0;
    pt[pb + Pt.FREE * Port.COUNT + o] &= ~(1 << v);
    if (second) vcs[vb + r + Vc.OVC1] = v;
    else vcs[vb + r + Vc.OVC0] = v;
    if (!second && vcs[vb + r + Vc.OUT1]! >= 0) {
      this.setState(i, St.VA);
      vcs[vb + r + Vc.TIME] = now + 1;
      return;
    }
    this.setState(i, St.ACTIVE);
    this.nVa--;
    vcs[vb + r + Vc.NEED] = vcs[vb + r + Vc.OUT1]! >= 0 ? 3 : 1;
    vcs[vb + r + Vc.TIME] = now + 1;
  }

  // ------------------------------------------------------------------ switch allocation

  private allocateSwitch(now: number): void {
    const pt = this.pt;
    const vb = this.vb;
    const pb = this.pb;
    const ob = this.ob;
    const V = this.V;
    const B = this.B;
    const P = Port.COUNT;
    const vcs = this.vcs;
    const ovc = this.ovc;
    let anyReq = 0;
    // outputs requested so far; conflict: an input requests two outputs or two inputs one output
    let outSeen = 0;
    let conflict = false;
    for (let p = 0; p < P; p++) {
      // St.ACTIVE VCs with a flit
      let m = pt[pb + Pt.OCC * Port.COUNT + p]! & pt[pb + Pt.ACTMASK * Port.COUNT + p]!;
      pt[pb + Pt.SAINREQ * Port.COUNT + p] = 0;
      if (m === 0) continue;
      const rr = pt[pb + Pt.SARR * Port.COUNT + p]!;
      let inReq = 0;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const i = p * V + vc;
        const r = i * this.VW;
        if (vcs[vb + r + Vc.SAPEND] === 1) continue;
        if (vcs[vb + r + Vc.TIME]! > now) continue;
        if (vcs[vb + r + Vc.READY]! > now) continue;
        const first = (vcs[vb + r + Vc.NEED]! & 1) !== 0;
        const o = first ? vcs[vb + r + Vc.OUT0]! : vcs[vb + r + Vc.OUT1]!;
        const ov = first ? vcs[vb + r + Vc.OVC0]! : vcs[vb + r + Vc.OVC1]!;
        if (ovc[ob + (o * V + ov) * Ov.WORDS + Ov.OCC]! >= B) continue;
        const li = (Pt.SALABEL + o) * Port.COUNT + p;
        if ((inReq & (1 << o)) !== 0) {
          // one request per (input, output): the VC nearest after the round-robin offset wins
          const cur = pt[pb + li]!;
          const dNew = vc - rr < 0 ? vc - rr + V : vc - rr;
          const dCur = cur - rr < 0 ? cur - rr + V : cur - rr;
          if (dNew >= dCur) continue;
        }
        pt[pb + li] = vc;
        inReq |= 1 << o;
        anyReq = 1;
      }
      pt[pb + Pt.SAINREQ * Port.COUNT + p] = inReq;
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
        let m = pt[pb + Pt.OCC * Port.COUNT + p]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          if (vcs[vb + i * this.VW + Vc.SAPEND] === 1 && vcs[vb + i * this.VW + Vc.SATIME] === now) this.saPendingUpdate(i, p, now);
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
    const pb = this.pb;
    const P = Port.COUNT;
    const pt = this.pt;
    for (let p = 0; p < P; p++) {
      const r = pt[pb + Pt.SAINREQ * Port.COUNT + p]!;
      if (r === 0) continue;
      const o = 31 - Math.clz32(r);
      pt[pb + Pt.SAG * Port.COUNT + o] = p + 1 === P ? 0 : p + 1;
      pt[pb + Pt.SAA * Port.COUNT + p] = o + 1 === P ? 0 : o + 1;
      this.grant(p, o, now);
    }
  }

  /** Input p won output o: its labelled VC's front flit traverses now (or after the SA delay). */
  private grant(p: number, o: number, now: number): void {
    const vcs = this.vcs;
    const pt = this.pt;
    const vb = this.vb;
    const pb = this.pb;
    const V = this.V;
    const vc = pt[pb + (Pt.SALABEL + o) * Port.COUNT + p]!;
    const i = p * V + vc;
    pt[pb + Pt.SARR * Port.COUNT + p] = vc + 1 === V ? 0 : vc + 1;
    const d = this.params.saDelay;
    if (d === 1) this.traverse(i, p, o, now);
    else {
      vcs[vb + i * this.VW + Vc.SAPEND] = 1;
      vcs[vb + i * this.VW + Vc.SAOUT] = o;
      vcs[vb + i * this.VW + Vc.SATIME] = now + d - 1;
    }
  }

  /** General switch allocation (some input or output has several requests). */
  private switchMatch(now: number): void {
    const pt = this.pt;
    const pb = this.pb;
    const P = Port.COUNT;
    for (let o = 0; o < P; o++) pt[pb + Pt.SAREQ * Port.COUNT + o] = 0;
    for (let p = 0; p < P; p++) {
      let m = pt[pb + Pt.SAINREQ * Port.COUNT + p]!;
      while (m !== 0) {
        const o = 31 - Math.clz32(m & -m);
        m &= m - 1;
        pt[pb + Pt.SAREQ * Port.COUNT + o] |= 1 << p;
      }
    }
    const grants = this.saGrants;
    let inMatched = 0;
    let outMatched = 0;
    const inMatch = this.vaInMatch; // scratch, P entries
    for (let p = 0; p < P; p++) inMatch[p] = -1;
    if (this.islipSa) {
      // gms[p]: outputs that granted input p in this iteration (collected as the grants are made)
      const gms = this.saGms;
      for (let iter = 0; iter < this.params.swIters; iter++) {
        let granted = false;
        for (let p = 0; p < P; p++) gms[p] = 0;
        for (let o = 0; o < P; o++) {
          if ((outMatched & (1 << o)) !== 0) continue;
          const req = pt[pb + Pt.SAREQ * Port.COUNT + o]! & ~inMatched;
          if (req === 0) continue;
          gms[firstFrom(req, pt[pb + Pt.SAG * Port.COUNT + o]!)]! |= 1 << o;
          granted = true;
        }
        if (!granted) break;
        for (let p = 0; p < P; p++) {
          const gm = gms[p]!;
          if (gm === 0 || (inMatched & (1 << p)) !== 0) continue;
          const o = firstFrom(gm, pt[pb + Pt.SAA * Port.COUNT + p]!);
          inMatch[p] = o;
          inMatched |= 1 << p;
          outMatched |= 1 << o;
          if (iter === 0) {
            pt[pb + Pt.SAG * Port.COUNT + o] = p + 1 === P ? 0 : p + 1;
            pt[pb + Pt.SAA * Port.COUNT + p] = o + 1 === P ? 0 : o + 1;
          }
        }
      }
    } else {
      // separable input-first round-robin
      for (let o = 0; o < P; o++) grants[o] = -1;
      for (let p = 0; p < P; p++) {
        const req = pt[pb + Pt.SAINREQ * Port.COUNT + p]!;
        if (req === 0) continue;
        const o = firstFrom(req, pt[pb + Pt.SAA * Port.COUNT + p]!);
        const cur = grants[o]!;
        const g = pt[pb + Pt.SAG * Port.COUNT + o]!;
        if (cur < 0 || (p - g + P) % P < (cur - g + P) % P) grants[o] = p;
      }
      for (let o = 0; o < P; o++) {
        const p = grants[o]!;
        if (p < 0) continue;
        inMatch[p] = o;
        pt[pb + Pt.SAG * Port.COUNT + o] = p + 1 === P ? 0 : p + 1;
        pt[pb + Pt.SAA * Port.COUNT + p] = o + 1 === P ? 0 : o + 1;
      }
    }
    for (let p = 0; p < P; p++) {
      const o = inMatch[p]!;
      if (o >= 0) this.grant(p, o, now);
    }
  }

  private saPendingUpdate(i: number, p: number, now: number): void {
    const ovc = this.ovc;
    const vb = this.vb;
    const ob = this.ob;
    const vcs = this.vcs;
    const r = i * this.VW;
    vcs[vb + r + Vc.SAPEND] = 0;
    const o = vcs[vb + r + Vc.SAOUT]!;
    const first = (vcs[vb + r + Vc.NEED]! & 1) !== 0;
    const ov = first ? vcs[vb + r + Vc.OVC0]! : vcs[vb + r + Vc.OVC1]!;
    if (ovc[ob + (o * this.V + ov) * Ov.WORDS + Ov.OCC]! >= this.B) {
      vcs[vb + r + Vc.TIME] = now + 1;
      return;
    }
    this.traverse(i, p, o, now);
  }

  /** Switch allocation won: the front flit of input VC i leaves for output o (switch traversal). */
  private traverse(i: number, p: number, o: number, now: number): void {
    const pt = this.pt;
    const ovc = this.ovc;
    const xbDue = this.xbDue;
    const vb = this.vb;
    const fb = this.fb;
    const pb = this.pb;
    const ob = this.ob;
    const xbb = this.xbb;
    const xdb = this.xdb;
    const V = this.V;
    const B = this.B;
    const vcs = this.vcs;
    const flits = this.flits;
    const xb = this.xb;
    const r = i * this.VW;
    const h = vcs[vb + r + Vc.HEAD]!;
    const s = i * this.RS + h * Slot.WORDS;
    const first = (vcs[vb + r + Vc.NEED]! & 1) !== 0;
    const ov = first ? vcs[vb + r + Vc.OVC0]! : vcs[vb + r + Vc.OVC1]!;
    let ctl = flits[fb + s + Slot.CTL]!;
    const hops = (ctl >>> Fl.HOPS_SHIFT) & Fl.HOPS_MASK;
    ctl = (ctl & ~((Fl.VC_MASK << Fl.VC_SHIFT) | (Fl.HOPS_MASK << Fl.HOPS_SHIFT))) | (ov << Fl.VC_SHIFT) | ((hops < Fl.HOPS_MASK ? hops + 1 : hops) << Fl.HOPS_SHIFT);
    const at = now + this.params.stDelay;
    // slot of cycle now + stDelay (stDelay < xq)
    let xs = this.xbNow + this.params.stDelay - 1;
    if (xs >= this.xq) xs -= this.xq;
    const x = (o * this.xq + xs) * Xb.WORDS;
    if (xb[xbb + x + Xb.T]! >= 0) this.fail(`crossbar slot conflict at output ${PORT_NAMES[o]}`);
    xb[xbb + x + Xb.T] = at;
    xbDue[xdb + xs]! |= 1 << o;
    xb[xbb + x + Xb.CTL] = ctl;
    xb[xbb + x + Xb.SRC] = flits[fb + s + Slot.SRC]!;
    xb[xbb + x + Xb.DATA] = flits[fb + s + Slot.DATA]!;
    xb[xbb + x + Xb.CT] = flits[fb + s + Slot.CT]!;
    xb[xbb + x + Xb.IT] = flits[fb + s + Slot.IT]!;
    this.busy++;
    this.nXb++;
    const j = (o * V + ov) * Ov.WORDS;
    ovc[ob + j + Ov.OCC]!++;
    const tail = (ctl & Fl.TAIL) !== 0;
    if (tail) {
      ovc[ob + j + Ov.TAIL] = 1;
      if (!this.params.waitTailCredit) {
        ovc[ob + j + Ov.OWNER] = -1;
        ovc[ob + j + Ov.TAIL] = 0;
        pt[pb + Pt.FREE * Port.COUNT + o] |= 1 << ov;
      }
    }
    const need = vcs[vb + r + Vc.NEED]! & ~(first ? 1 : 2);
    if (need !== 0) {
      // multicast: the other copy goes out in a later switch allocation
      vcs[vb + r + Vc.NEED] = need;
      vcs[vb + r + Vc.TIME] = now + 1;
      return;
    }
    // the flit leaves the buffer: credit upstream
    const n = vcs[vb + r + Vc.COUNT]! - 1;
    // an emptied ring restarts at slot 0, so short packets keep reusing one slot's cache line
    const h2 = n === 0 || h + 1 === B ? 0 : h + 1;
    vcs[vb + r + Vc.COUNT] = n;
    vcs[vb + r + Vc.HEAD] = h2;
    if (n !== 0) vcs[vb + r + Vc.READY] = flits[fb + i * this.RS + h2 * Slot.WORDS + Slot.READY]!;
    this.busy--;
    this.nBuf--;
    const vc = i - p * V;
    if (n === 0) pt[pb + Pt.OCC * Port.COUNT + p] &= ~(1 << vc);
    pt[pb + Pt.CRSEND * Port.COUNT + p] = 1 | (vc << 1);
    this.crMask |= 1 << p;
    vcs[vb + r + Vc.HEADGONE] = 1;
    vcs[vb + r + Vc.NEED] = vcs[vb + r + Vc.OUT1]! >= 0 ? 3 : 1;
    if (tail) {
      if (n === 0) this.setState(i, St.IDLE);
      else {
        const s2 = i * this.RS + h2 * Slot.WORDS;
        const rd = vcs[vb + r + Vc.READY]!;
        this.startPacket(i, p, flits[fb + s2 + Slot.CTL]!, flits[fb + s2 + Slot.SRC]!, flits[fb + s2 + Slot.TICKET]!, (rd > now + 1 ? rd : now + 1) + this.RD);
      }
    } else {
      vcs[vb + r + Vc.TIME] = now + 1;
    }
  }

  private writeOutputs(now: number): void {
    const pt = this.pt;
    const xbDue = this.xbDue;
    const pb = this.pb;
    const xbb = this.xbb;
    const xdb = this.xdb;
    let dirty = 0;
    const xq = this.xq;
    const slot = this.xbNow === 0 ? xq - 1 : this.xbNow - 1; // now % xq
    const xb = this.xb;
    const cr = this.crRegs[this.ri]!;
    // only ports with a flit due, a credit to send, or a register to clear
    let ports = xbDue[xdb + slot]! | this.crMask | (this.dirty & 31) | ((this.dirty >>> 8) & 31);
    xbDue[xdb + slot] = 0;
    while (ports !== 0) {
      const o = 31 - Math.clz32(ports & -ports);
      ports &= ports - 1;
      const x = (o * xq + slot) * Xb.WORDS;
      if (xb[xbb + x + Xb.T] === now) {
        xb[xbb + x + Xb.T] = -1;
        const regs = this.oRegs[this.P0 + o]!;
        regs.set(0, xb[xbb + x + Xb.CTL]!);
        regs.set(1, xb[xbb + x + Xb.SRC]!);
        regs.set(2, xb[xbb + x + Xb.DATA]!);
        regs.set(3, xb[xbb + x + Xb.CT]!);
        regs.set(4, xb[xbb + x + Xb.IT]!);
        dirty |= 1 << o;
        this.busy--;
        this.nXb--;
        this.sent[this.P0 + o]!++;
      } else if ((this.dirty & (1 << o)) !== 0) this.oRegs[this.P0 + o]!.set(0, 0);
      if ((this.crMask & (1 << o)) !== 0) {
        cr.set(o, pt[pb + Pt.CRSEND * Port.COUNT + o]!);
        dirty |= 256 << o;
      } else if ((this.dirty & (256 << o)) !== 0) cr.set(o, 0);
    }
    this.dirty = dirty;
  }


  // ------------------------------------------------------------------ testbench views

  /** Flits buffered at router ri, input port p, VC vc. */
  buffered(ri: number, p: number, vc: number): number {
    return this.vcs[((ri * Port.COUNT + p) * this.V + vc) * this.VW + Vc.COUNT]!;
  }
  /** Credits in use (flits sent, credit not yet applied) for output port o, VC vc. */
  occupancy(ri: number, o: number, vc: number): number {
    return this.ovc[((ri * Port.COUNT + o) * this.V + vc) * Ov.WORDS + Ov.OCC]!;
  }
  /** Credits for output o, VC vc received but not yet applied (credit delay / link latency). */
  creditsPending(ri: number, o: number, vc: number): number {
    const pb = ri * Port.COUNT * Pt.WORDS + o;
    const ring = (ri * Port.COUNT + o) * this.cqN;
    const k = this.pt[pb + Pt.CQCOUNT * Port.COUNT]!;
    let n = 0;
    for (let c = 0; c < k; c++) if (this.cq[2 * (ring + ((this.pt[pb + Pt.CQHEAD * Port.COUNT]! + c) % this.cqN)) + 1] === vc) n++;
    return n;
  }
  /** Flits in the crossbar pipeline (switch traversal) for output o, VC vc. */
  inCrossbar(ri: number, o: number, vc: number): number {
    let n = 0;
    for (let s = 0; s < this.xq; s++) {
      const x = ((ri * Port.COUNT + o) * this.xq + s) * Xb.WORDS;
      if (this.xb[x + Xb.T]! >= 0 && ((this.xb[x + Xb.CTL]! >>> Fl.VC_SHIFT) & Fl.VC_MASK) === vc) n++;
    }
    return n;
  }
  /** Number of flits held by router ri (buffers and crossbar). */
  flitsHeld(ri: number): number {
    const NI = Port.COUNT * this.V;
    let n = 0;
    for (let r = ri * NI * this.VW; r < (ri + 1) * NI * this.VW; r += this.VW) n += this.vcs[r + Vc.COUNT]!;
    const xn = Port.COUNT * this.xq * Xb.WORDS;
    for (let x = ri * xn; x < (ri + 1) * xn; x += Xb.WORDS) if (this.xb[x + Xb.T]! >= 0) n++;
    return n;
  }
  /** First protocol violation of router ri, or "". */
  error(ri: number): string {
    return this.errors[ri]!;
  }
  /** Throws if router ri recorded a protocol violation. */
  check(ri: number): void {
    if (this.errors[ri] !== "") throw new SimulationError(this.errors[ri]!);
  }
}
