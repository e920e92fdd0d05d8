/**
 * The register files and the clocked logic of all routers of one mesh plane (router.ts is the
 * module of one router: its ports, output registers and testbench views).
 *
 * The mesh's clocked block for the plane calls `stepAll()`: each router reads its input words
 * (from a copy of the plane's link bank, register-bank.ts), updates its own records here and
 * writes its own output registers (in the bank's next-value store), so the result does not
 * depend on the order of the routers, nor on which thread steps them (router-lane.ts). The
 * per-cycle methods, from `stepRouters` down, are also compiled to WebAssembly (hw/rtl/wasm)
 * and run that way by default (`engine`). The records are those of an input-buffered wormhole
 * router with virtual channels and credit-based flow control, BookSim2's `IQRouter` timing
 * (docs/noc.md).
 *
 * Why one store for all routers: at 0.30 packets/node/cycle all 64 routers of an 8x8 mesh are
 * busy every cycle, so each cycle walks the state of every router, far more than the L1 cache
 * holds. Per-router objects cost cache misses on their headers (a dozen typed arrays, signal
 * objects) before any data is touched; here every fabric's records are ranges of one
 * module-level buffer (H32/H16/H8, see heap.ts: V8 then embeds the arrays' base and length in
 * the code), the small per-router scalars sit in one record that `step` loads into fields and
 * stores back, and the outputs are register arrays in the link bank. Every record index is offset by the
 * router's base (fields `*b`).
 *
 * Speed, otherwise: an input VC's record and its first buffer slot share one cache line; narrow
 * fields are bytes (Int8) and 16-bit words; what a step computes and consumes within the step
 * is module-level scratch shared by all fabrics; bit masks of the VCs in VA or ACTIVE state and
 * of the ports with work (credits in flight, a flit due, a register to clear) instead of scans;
 * conflict-free switch allocation skips the request matrix; a router with empty buffers, no
 * credit in flight and no arriving flit returns after reading its ten input words.
 */
import { DesignError, SimulationError, type Bits, type BitsVec, type RegArray, type RegisterBank } from "../rtl/index.ts";
import { checkFlitFields } from "./flit.ts";
import { fileURLToPath } from "node:url";
import type { CompiledClass } from "../rtl/wasm/compile-class.ts";
import { compileFabric, fabricConstants, instantiateFabric, type FabricEngineSpec } from "./fabric-engine.ts";
import { NOC_HEAP } from "./heap.ts";
import { RouterLane, type StepRange } from "./router-lane.ts";
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

/**
 * Buffer slot record: slot 0 of input VC i's ring is the second half of the VC's block (H32
 * index vb + i * Vc.WORDS + Vc.SLOT0), slots 1..B-1 are in the ring extension (`slotAt`).
 */
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

/**
 * Input-VC block: one 64-byte cache line per input VC (VC i at H32 index vb + i * Vc.WORDS)
 * holding the VC's record, its word fields here and its byte fields in Vb, and slot 0 of its
 * ring. An emptied ring restarts at slot 0, so a VC with one flit (the common case) is one line.
 */
const enum Vc {
  /** St.VA: cycle VC allocation may start; St.ACTIVE: cycle switch allocation may start. */
  TIME = 0,
  /** Slot.READY of the front flit (kept here so switch allocation does not read the buffer). */
  READY = 1,
  /** Cycle a pending switch grant takes effect (saDelay > 1). */
  SATIME = 2,
  /** Flow of the packet at the VC (source, destination, vnet) and its arrival ticket. */
  FLOW = 3,
  TICKET = 4,
  /** Words 5..7 hold the byte fields (Vb). */
  SLOT0 = 8,
  WORDS = 16,
  SHIFT = 4,
}

/** Byte fields of an input-VC record: byte offsets in its block, read through the Int8 view H8 (index vb * 4 + i * 64 + field). */
const enum Vb {
  STATE = 20,
  /** Output port(s) of the packet (OUT1 = -1: unicast). */
  OUT0 = 21,
  OUT1 = 22,
  /** Output VC held at OUT0 / OUT1 (-1: not yet allocated). */
  OVC0 = 23,
  OVC1 = 24,
  /** Outputs the front flit still has to go to (bit 0: out0, bit 1: out1). */
  NEED = 25,
  /** VC granted, pending (vaDelay > 1: VA_PEND state). */
  GRANT = 26,
  /** Shares GRANT's byte: a switch grant is pending only in ACTIVE state, a VC grant only in VA_PEND. */
  SAOUT = 26,
  /** 1 while a switch grant is pending (saDelay > 1). */
  SAPEND = 27,
  /** 1 once the packet's head flit has left (later packets of the same flow may then allocate). */
  HEADGONE = 28,
  /** Ring buffer of the VC: index of the front slot, flits held (0..255: read with & 0xff). */
  HEAD = 29,
  COUNT = 30,
  /** 1 once olderSameFlow found no older head of the packet's flow (that stays so: see there). */
  FLOWOK = 31,
  SHIFT = 6,
}

/** Output-VC record (downstream buffer state): 16-bit fields in H16, record o * vcs + vc from the router's base `ob`. */
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
 * (What a step computes and uses within the step is in module-level scratch: SA_*, CR_SEND.)
 */
const enum Pt {
  /** Input port: VCs with a non-empty buffer. */
  OCC = 0,
  /** Input port: VCs in VA state, VCs in ACTIVE state (the allocators' work lists). */
  VAMASK = 1,
  ACTMASK = 2,
  /** Switch allocator: input's VC round-robin offset, output grant pointer, input accept pointer. */
  SARR = 3,
  SAG = 4,
  SAA = 5,
  /** Output port: output VCs without an owner. */
  FREE = 6,
  /** Output port: credits in flight (received, not yet applied). */
  CQCOUNT = 7,
  /** Input port: the next head's arrival ticket. */
  TICKET = 8,
  WORDS = 9,
}

checkFlitFields("router-fabric.ts", {
  HEAD: Fl.HEAD, TAIL: Fl.TAIL, VC_SHIFT: Fl.VC_SHIFT, VC_MASK: Fl.VC_MASK, VNET_SHIFT: Fl.VNET_SHIFT,
  VNET_MASK: Fl.VNET_MASK, MCAST: Fl.MCAST, DX_SHIFT: Fl.DX_SHIFT, DY_SHIFT: Fl.DY_SHIFT,
  COORD_MASK: Fl.COORD_MASK, HOPS_SHIFT: Fl.HOPS_SHIFT, HOPS_MASK: Fl.HOPS_MASK, MC_AXIS: Fl.MC_AXIS,
  MC_END_SHIFT: Fl.MC_END_SHIFT,
});


/** Flow buckets (see fbBase). */
const enum Fb {
  BUCKETS = 32,
}

/** The flow word of a head flit (Vc.FLOW): source address, destination, vnet. */
function flowOf(ctl: number, src: number): number {
  return (src & 1023) | (((ctl >>> Fl.DX_SHIFT) & 1023) << 10) | (((ctl >>> Fl.VNET_SHIFT) & 7) << 20);
}

/** A flow's bucket (0 .. Fb.BUCKETS - 1): its bits folded by fives. */
function flowBucket(flow: number): number {
  return (flow ^ (flow >>> 5) ^ (flow >>> 10) ^ (flow >>> 15) ^ (flow >>> 20)) & (Fb.BUCKETS - 1);
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
  /** H32 index of the router's first output word (link bank's next-value store) and of its input table. */
  OUT = 12,
  SRC = 13,
  WORDS = 16,
}

/** Protocol violations a router records (the first one per router; `error` words them). */
const enum Err {
  NONE = 0,
  BAD_VC = 1,
  OVERFLOW = 2,
  BODY_ON_IDLE = 3,
  UNDERFLOW = 4,
  XBAR_CONFLICT = 5,
  /** Words per router: code, port, VC, cycle. */
  WORDS = 4,
}

/*
 * The register files of all fabrics, in one module-level buffer seen through three typed arrays
 * (heap.ts says why): each fabric takes a range of it.
 */
const HEAP = NOC_HEAP;
const H32 = new Int32Array(HEAP.buffer);
const H16 = new Int16Array(HEAP.buffer);
const H8 = new Int8Array(HEAP.buffer);

/*
 * Per-step scratch shared by all fabrics: a router step fills it and consumes it (nothing carries
 * over to another step), sized for 32 VCs. Method-local aliases such as `const pt = H32` name the
 * record an index points into.
 */
/** VC allocation: requests per output port (valid for the ports requested this cycle), the requesters and their VC masks. */
const VA_N = new Int32Array(5);
const VA_REQ = new Int16Array(5 * 5 * 32);
const VA_REQ_VM = new Int32Array(5 * 5 * 32);
/** Per input VC (VA) or input port (SA): the output VC / port matched, or -1. */
const IN_MATCH = new Int16Array(5 * 32);
/** iSLIP: output VCs granted to the k-th requester (VA), outputs that granted input p (SA). */
const VA_GMS = new Int32Array(5 * 32);
const SA_GMS = new Int32Array(5);
/** Switch allocation: outputs input p requests (bit o), inputs requesting output o (bit p), the VC of input p requesting output o (o * 5 + p). */
const SA_INREQ = new Int32Array(5);
const SA_REQ = new Int32Array(5);
const SA_LABEL = new Int32Array(25);
/** The ctl word of the flit arriving on each input port (ports in the step's arrival mask). */
const IN_CTL = new Int32Array(5);
/** Zero words after the copy of the link bank's current values: what a tied-off input port reads (a flit's five words; a cache line's worth). */
const ZERO_WORDS = 16;
/** Credit word each input port sends upstream this cycle (ports in the step's crMask). */
const CR_SEND = new Int32Array(5);
/** Separable allocators: the requester each output VC / port grants. */
const VA_GRANTS = new Int16Array(32);
const SA_GRANTS = new Int8Array(5);

/** Input words per router (Router.inputWords): port p's flit words at 5p..5p+4 (LinkOut order), its credit at 25 + p. */
export const IN_WORDS = 30;
/** Output words per router in the plane's link bank: port o's flit words at 5o..5o+4, its credit at 25 + o. */
const OUT_WORDS = 30;
/** Words of a router's input table: H32 index of port p's flit (ctl word; the others follow) at p, of its credit at 5 + p. */
const SRC_WORDS = 10;

/*
 * The compiled engine (fabric-engine.ts): this file's per-cycle methods, from `stepRouters` down,
 * as WebAssembly over the heap's memory, with the parameters as constants. Each module's scratch
 * arrays (VA_N and the others above) get a range of the heap that is never given back.
 */
const SCRATCH_OWNER = {};

/** What a router module hands to the fabric: its name, output registers and input words. */
export interface RouterPorts {
  readonly path: string;
  /** Port p's flit words (LinkOut order), then the credit word of each input port: OUT_WORDS words in the link bank. */
  readonly outputs: readonly RegArray[];
  /** The input words (IN_WORDS, see there). */
  readonly inputs: readonly Bits[];
}

/**
 * Worker modules not in use, per parameter set. A module's scratch arrays are at fixed
 * addresses, so no two threads may run one module at once: each worker takes a module of its
 * own (not the simulation thread's), given back when its fabric is garbage collected.
 */
const idleLaneModules = new Map<string, CompiledClass[]>();
/** Stops a fabric's worker once the fabric is garbage collected, and frees its module. */
const LANES = new FinalizationRegistry<{ readonly lane: RouterLane; readonly key: string; readonly compiled: CompiledClass }>((held) => {
  held.lane.stop();
  const pool = idleLaneModules.get(held.key) ?? [];
  pool.push(held.compiled);
  idleLaneModules.set(held.key, pool);
});

/** Fields that hold parameters: the compiled engine takes them as constants. */
const PARAMETER_FIELDS = [
  "count", "meshW", "V", "B", "L", "RD", "stDelay", "vaDelay", "saDelay", "vcIters", "swIters", "waitTailCredit",
  "B1", "cqN", "xq", "creditAt", "islipVa", "oneVnet", "islipSa",
] as const;

const ENGINE: FabricEngineSpec = {
  file: fileURLToPath(import.meta.url),
  className: "RouterFabric",
  entries: ["stepRouters", "idleRouters"],
  parameters: PARAMETER_FIELDS,
  reserveScratch: (bytes) => HEAP.take(SCRATCH_OWNER, bytes),
};

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
  // parameters the per-cycle code reads (a field load, not two)
  private readonly stDelay: number;
  private readonly vaDelay: number;
  private readonly saDelay: number;
  private readonly vcIters: number;
  private readonly swIters: number;
  private readonly waitTailCredit: boolean;
  /** Index in H32 of the per-router scalars (Rs.WORDS per router). */
  private readonly rsBase: number;
  /** First protocol violation of each router (Err.WORDS words per router: code, port, VC, cycle). */
  private readonly errBase: number;
  private readonly paths: string[];
  private readonly ports: RouterPorts[] = [];
  /**
   * Every router's ctl and credit input words: an idle router acts only on a valid flit or a
   * credit, so while every router is idle these are read (a third of the input words) when the
   * link bank's values changed at the last edge.
   */
  private wakeVec: BitsVec | undefined;
  /** Every router was idle (nothing buffered or in flight, outputs cleared) after the last cycle. */
  private planeIdle = false;
  /** Flits that left through each output port (statistics, modulo 2^32), 5 per router: a view of the heap. */
  readonly sent: Uint32Array;
  private readonly sentBase: number;
  /** The compiled `stepRouters` and `idleRouters` of this fabric's instance, or undefined (params.engine "js"). */
  private readonly compiled: { readonly step: (from: number, to: number) => number; readonly idle: () => void } | undefined;
  /** With two threads: the worker's lane (started at the first busy cycle). */
  private lane: RouterLane | undefined;
  private readonly threads: number;
  /** The compiled step as the lane calls it on this thread. */
  private readonly stepRange: StepRange;
  /** Every router's input table (SRC_WORDS each, see there). */
  private readonly srcBase: number;
  /**
   * The plane's link bank (register-bank.ts: every router's and NI's link output registers):
   * its next-value store, where the routers write their outputs, and a copy of its current
   * values, where they read their inputs (H32 indices), with zero words after it for ports
   * that are tied off. Both are taken from the heap when the bank is elaborated.
   */
  private linkNext = 0;
  private linkCur = 0;
  private linkWords = 0;
  /** The link bank's generation when the copy was last refreshed. */
  private linkGeneration = -1;
  private linkBank: RegisterBank | undefined;
  /** The stepping router's input table and first output word (in the link bank's next-value store). */
  private srcB = 0;
  private outB = 0;

  // ---- the stepping router's context: its index, record bases (indices in H32, H16 or H8) and scalars
  private ri = 0;
  /** H32 index of the router's first input-VC block (H8 index: vb * 4). */
  private vb = 0;
  /** H32 index of the router's ring extension (slots 1..B-1 of its VCs). */
  private eb = 0;
  /** Port state (H32). */
  private pb = 0;
  /** Output-VC records (H16). */
  private ob = 0;
  /** Credit rings (H32). */
  private cb = 0;
  /** Crossbar records and due masks (H32). */
  private xbb = 0;
  private xdb = 0;
  /** VC allocator pointers (H16): output VC k's grant pointer at gb + k, input VC i's accept pointer at ab + i. */
  private gb = 0;
  private ab = 0;
  /** Flow buckets of the router's input ports (H16, Fb.BUCKETS per port). */
  private fbb = 0;
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

  // ---- register files of all routers (records: the const enums above), ranges of the heap
  /**
   * Input VCs: VC i's block (Vc, Vb) at H32 index vcBase + i * Vc.WORDS, record and ring slot 0
   * in one cache line; slots 1..B-1 of every VC in the ring extension from extBase.
   */
  private readonly vcBase: number;
  private readonly extBase: number;
  /** Ring slots per VC outside its block (bufDepth - 1). */
  private readonly B1: number;
  /** Port state, Pt.WORDS * 5 words per router (field-major, see Pt). */
  private readonly ptBase: number;
  /** Output-VC records, Ov.WORDS H16 entries each. */
  private readonly ovBase: number;
  /**
   * Credits in flight: per output port a ring of cqN slots indexed by the cycle the credit was
   * read (modulo cqN, a power of two above the credit latency): VC + 1, or 0. One credit per
   * link and cycle, and all wait the same time, so the credit due now is in slot now - creditAt.
   */
  private readonly cqN: number;
  private readonly cqBase: number;
  /** Crossbar pipeline: record per output port and cycle modulo xq (Xb). */
  private readonly xq: number;
  private readonly xbBase: number;
  /** Per crossbar slot (cycle modulo xq): output ports with a flit due (bit o). */
  private readonly xdBase: number;
  /** VC allocator round-robin pointers: per router, NI grant pointers (output VCs) then NI accept pointers (input VCs), H16. */
  private readonly vaBase: number;
  /**
   * Heads per input port and flow bucket (H16, Fb.BUCKETS per port): heads that arrived and
   * have not left, counted by a hash of their flow. A head alone in its bucket has no older
   * head of its flow at the input, so olderSameFlow need not search (it almost never must).
   */
  private readonly fbBase: number;
  /** Cycles from reading a credit to applying it (link latency + credit delay). */
  private readonly creditAt: number;
  /** Input port of input VC i (H8 index of entry 0). */
  private readonly portOfB: number;
  /** VC mask of each virtual network (H32 index of entry 0). */
  private readonly vnetB: number;
  private readonly islipVa: boolean;
  /** One virtual network: every input VC may take every output VC. */
  private readonly oneVnet: boolean;
  private readonly islipSa: boolean;

  constructor(params: RouterParams, count: number, meshW: number) {
    checkRouterParams(params);
    this.params = params;
    this.count = count;
    this.meshW = meshW;
    const V = (this.V = params.vcs);
    const B = (this.B = params.bufDepth);
    const NI = Port.COUNT * V;
    this.paths = new Array<string>(count).fill("");
    this.B1 = B - 1;
    this.cqN = 1 << (32 - Math.clz32(params.linkLatency + params.creditDelay));
    this.xq = params.stDelay + params.saDelay + 1;
    // the fabric's range of the heap: regions of whole cache lines
    const line = (bytes: number): number => Math.ceil(bytes / 64) * 64;
    const sizes = [
      count * NI * Vc.WORDS * 4,
      count * NI * (B - 1) * Slot.WORDS * 4,
      count * Port.COUNT * Pt.WORDS * 4,
      count * NI * Ov.WORDS * 2,
      count * Port.COUNT * this.cqN * 4,
      count * Port.COUNT * this.xq * Xb.WORDS * 4,
      count * this.xq * 4,
      count * Rs.WORDS * 4,
      count * 2 * NI * 2,
      count * SRC_WORDS * 4,
      count * Port.COUNT * 4,
      count * Err.WORDS * 4,
      NI,
      params.vnets * 4,
      count * Port.COUNT * Fb.BUCKETS * 2,
    ].map(line);
    const start = HEAP.take(this, sizes.reduce((x, y) => x + y, 0));
    const at: number[] = [];
    sizes.reduce((off, n) => (at.push(off), off + n), start);
    this.vcBase = at[0]! >> 2;
    this.extBase = at[1]! >> 2;
    this.ptBase = at[2]! >> 2;
    this.ovBase = at[3]! >> 1;
    this.cqBase = at[4]! >> 2;
    this.xbBase = at[5]! >> 2;
    this.xdBase = at[6]! >> 2;
    this.rsBase = at[7]! >> 2;
    this.vaBase = at[8]! >> 1;
    this.srcBase = at[9]! >> 2;
    this.sentBase = at[10]! >> 2;
    this.sent = new Uint32Array(HEAP.buffer, at[10]!, count * Port.COUNT);
    this.errBase = at[11]! >> 2;
    this.portOfB = at[12]!;
    this.vnetB = at[13]! >> 2;
    this.fbBase = at[14]! >> 1;
    for (let i = 0; i < NI; i++) H8[this.portOfB + i] = Math.floor(i / V);
    const per = V / params.vnets;
    for (let k = 0; k < params.vnets; k++) {
      const m = per === 32 ? -1 : ((1 << per) - 1) | 0;
      H32[this.vnetB + k] = per === 32 ? -1 : (m << (k * per)) | 0;
    }
    this.L = params.linkLatency;
    this.stDelay = params.stDelay;
    this.vaDelay = params.vaDelay;
    this.saDelay = params.saDelay;
    this.vcIters = params.vcIters;
    this.swIters = params.swIters;
    this.waitTailCredit = params.waitTailCredit;
    this.creditAt = params.linkLatency + params.creditDelay;
    this.RD = params.routingDelay;
    this.islipVa = params.vcAlloc === "islip";
    this.oneVnet = params.vnets === 1;
    this.islipSa = params.swAlloc === "islip";
    for (let ri = 0; ri < count; ri++) this.clearState(ri);
    this.compiled = (params.engine ?? "wasm") === "wasm" ? this.instantiate() : undefined;
    this.threads = params.threads ?? 1;
    const c = this.compiled;
    this.stepRange = c !== undefined ? c.step : (from, to) => this.stepRouters(from, to);
  }

  /** An instance of the compiled engine over the heap, its globals loaded from this fabric's fields. */
  private instantiate(): { step: (from: number, to: number) => number; idle: () => void } {
    const exports = instantiateFabric(this, ENGINE);
    return { step: exports["stepRouters"] as (from: number, to: number) => number, idle: exports["idleRouters"] as () => void };
  }

  /** The worker lane: a module of its own (see idleLaneModules), globals from this fabric's fields as they are now. */
  private startLane(): RouterLane {
    const constants = fabricConstants(this, PARAMETER_FIELDS);
    const key = JSON.stringify(constants);
    const compiled = idleLaneModules.get(key)?.pop() ?? compileFabric(ENGINE, constants);
    const globals = fabricConstants(this, compiled.fields);
    const lane = new RouterLane({ module: compiled.module, memory: HEAP.memory, globals, count: this.count, step: this.stepRange, name: this.paths[0]!.replace(/\.[^.]*$/, "") });
    LANES.register(this, { lane, key, compiled });
    return lane;
  }

  /** Routers the worker thread has stepped so far (threads: 2; 0 otherwise). */
  get workerSteps(): number {
    return this.lane?.workerSteps ?? 0;
  }

  /** Registers router `index` (encoded coordinates cx, cy), its output registers and input words. */
  attach(index: number, cx: number, cy: number, ports: RouterPorts): void {
    H32[this.rsBase + index * Rs.WORDS + Rs.CX] = cx;
    H32[this.rsBase + index * Rs.WORDS + Rs.CY] = cy;
    this.paths[index] = ports.path;
    this.ports[index] = ports;
  }

  /**
   * Uses `bank` for every router's outputs and inputs. Every
   * router input must come from the bank, except the ports `connected` (router * 5 + port)
   * marks 0: those are tied off and read zeros.
   */
  useLinks(bank: RegisterBank, connected: Uint8Array): void {
    this.linkBank = bank;
    bank.onBound(() => this.bindLinks(bank, connected));
  }

  /**
   * H32 index of input `b`'s value in the copy of the link bank's current values (after the
   * bank is elaborated): `b` must be driven by a link register.
   */
  linkCopyIndex(b: Bits): number {
    const bank = this.linkBank!;
    if (!bank.holds(b.slot)) throw new DesignError(`${b.path}: must come from the plane's link registers (${bank.name})`);
    return this.linkCur + b.slot - bank.firstSlot;
  }

  /** The link bank is elaborated: each router's output base and input table. */
  private bindLinks(bank: RegisterBank, connected: Uint8Array): void {
    this.linkWords = bank.length;
    this.linkNext = bank.next.byteOffset >> 2;
    // the copy of the current values, then ZERO_WORDS zero words (what tied-off inputs read)
    this.linkCur = HEAP.take(this, (bank.length + ZERO_WORDS) * 4) >> 2;
    for (let ri = 0; ri < this.count; ri++) {
      const { outputs, inputs, path } = this.ports[ri]!;
      const out = bank.offsetOf(outputs[0]!);
      let n = 0;
      for (const a of outputs) {
        if (bank.offsetOf(a) !== out + n) throw new DesignError(`${path}: output registers must be consecutive in ${bank.name}`);
        n += a.length;
      }
      if (n !== OUT_WORDS) throw new DesignError(`${path}: ${n} output words, the fabric expects ${OUT_WORDS}`);
      const b = this.rsBase + ri * Rs.WORDS;
      H32[b + Rs.OUT] = bank.indexOf(outputs[0]!);
      H32[b + Rs.SRC] = this.srcBase + ri * SRC_WORDS;
      const src = this.srcBase + ri * SRC_WORDS;
      for (let p = 0; p < Port.COUNT; p++) {
        if (connected[ri * Port.COUNT + p] === 0) {
          H32[src + p] = this.linkCur + this.linkWords;
          H32[src + 5 + p] = this.linkCur + this.linkWords;
          continue;
        }
        const ctl = this.linkCopyIndex(inputs[p * 5]!);
        for (let k = 1; k < 5; k++) {
          if (this.linkCopyIndex(inputs[p * 5 + k]!) !== ctl + k) throw new DesignError(`${inputs[p * 5 + k]!.path}: a link's flit words must be consecutive registers`);
        }
        H32[src + p] = ctl;
        H32[src + 5 + p] = this.linkCopyIndex(inputs[25 + p]!);
      }
    }
  }

  /** Every router's ctl and credit input words (see wakeVec). */
  bindWakeInputs(inputs: BitsVec): void {
    this.wakeVec = inputs;
  }

  /** Makes router ri the stepping router: record bases and scalars into fields. */
  private enter(ri: number): void {
    const NI = Port.COUNT * this.V;
    this.ri = ri;
    this.vb = this.vcBase + ri * NI * Vc.WORDS;
    this.eb = this.extBase + ri * NI * this.B1 * Slot.WORDS;
    this.pb = this.ptBase + ri * Port.COUNT * Pt.WORDS;
    this.ob = this.ovBase + ri * NI * Ov.WORDS;
    this.cb = this.cqBase + ri * Port.COUNT * this.cqN;
    this.xbb = this.xbBase + ri * Port.COUNT * this.xq * Xb.WORDS;
    this.xdb = this.xdBase + ri * this.xq;
    this.gb = this.vaBase + ri * 2 * NI;
    this.fbb = this.fbBase + ri * Port.COUNT * Fb.BUCKETS;
    this.ab = this.gb + NI;
    const rs = H32;
    const b = this.rsBase + ri * Rs.WORDS;
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
    this.outB = rs[b + Rs.OUT]!;
    this.srcB = rs[b + Rs.SRC]!;
  }

  /** Stores the stepping router's scalars back into its record. */
  private leave(): void {
    const rs = H32;
    const b = this.rsBase + this.ri * Rs.WORDS;
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

  /**
   * The per-cycle work of router ri over its records (compiled to WebAssembly: everything it
   * calls stays in the subset of compile-class.ts): it reads its inputs through its input
   * table (srcB) and writes its outputs into the link bank's next-value store (outB).
   */
  stepRecords(ri: number): void {
    this.enter(ri);
    this.tick();
    this.leave();
  }

  /**
   * Synchronous reset of every router (the mesh's clocked block, reset asserted). The output
   * registers are resettable: the kernel clears them.
   */
  resetAll(): void {
    this.finishCycle(); // a cycle left unfinished by an exception: the worker must be done first
    for (let ri = 0; ri < this.count; ri++) this.clearState(ri);
    this.planeIdle = false;
  }

  /**
   * One clock cycle of every router: they read the link bank's current values (one copy) and
   * write its next-value store, compiled or as the same code in JavaScript. While every router
   * is idle and no flit or credit arrives, only their clocks move.
   */
  stepAll(): void {
    if (this.lane !== undefined) this.finishCycle(); // a cycle left unfinished by an exception: the worker must be done first
    const c = this.compiled;
    const bank = this.linkBank!;
    // the copy is refreshed whenever the links changed (the NIs read it too, ni-fabric.ts), from
    // the next-value store: nothing has written it yet in this cycle, so it holds the current
    // values (the latch copied it; a poke or a reset writes both)
    const changed = bank.generation !== this.linkGeneration;
    this.linkGeneration = bank.generation;
    if (changed) HEAP.copyWords(this.linkCur, this.linkNext, this.linkWords);
    // an idle plane wakes only for a valid flit or a credit: not while its links hold still
    if (this.planeIdle && (!changed || this.wakeVec!.reduceOr() === 0)) {
      if (c !== undefined) c.idle();
      else this.idleRouters();
      return;
    }
    bank.markWritten();
    if (this.threads === 1) {
      this.planeIdle = this.stepRange(0, this.count) === 0;
      return;
    }
    // the worker steps routers while this thread runs the rest of the cycle (finishCycle)
    this.lane ??= this.startLane();
    this.lane.start();
  }

  /** The clock edge, before the link bank latches: with two threads, every router must be stepped. */
  finishCycle(): void {
    if (this.lane === undefined) return;
    const active = this.lane.finish();
    if (active >= 0) this.planeIdle = active === 0;
  }

  /** A cycle of the idle plane: every router's clock moves on. */
  idleRouters(): void {
    for (let ri = 0; ri < this.count; ri++) this.idleCycle(this.rsBase + ri * Rs.WORDS);
  }

  /**
   * One cycle of every router over the records and the link bank. An idle router (nothing
   * buffered or in flight, no register to clear, no flit or credit arriving) only counts the
   * cycle. Steps routers [from, to) (two threads step two ranges at once). Returns whether any
   * of them is still busy (stepAll's planeIdle).
   */
  stepRouters(from: number, to: number): number {
    let active = 0;
    for (let ri = from; ri < to; ri++) {
      const b = this.rsBase + ri * Rs.WORDS;
      if (H32[b + Rs.BUSY] === 0 && H32[b + Rs.DIRTY] === 0) {
        const src = H32[b + Rs.SRC]!;
        let arriving = 0;
        for (let p = 0; p < Port.COUNT; p++) arriving |= (H32[H32[src + p]!]! & 1) | H32[H32[src + 5 + p]!]!;
        if (arriving === 0) {
          this.idleCycle(b);
          continue;
        }
      }
      this.stepRecords(ri);
      active |= H32[b + Rs.BUSY]! | H32[b + Rs.DIRTY]!;
    }
    return active;
  }

  /** The cycle of an idle router (its scalars at H32 index b): time moves on, nothing else. */
  private idleCycle(b: number): void {
    H32[b + Rs.T]!++;
    const x = H32[b + Rs.XBNOW]! + 1;
    H32[b + Rs.XBNOW] = x === this.xq ? 0 : x;
  }

  private tick(): void {
    const now = this.t++;
    // crossbar slot of this cycle (now % xq), kept incrementally: no division per cycle
    const xbNow = this.xbNow;
    this.xbNow = xbNow + 1 === this.xq ? 0 : xbNow + 1;
    const src = this.srcB;
    let arrived = 0;
    for (let p = 0; p < Port.COUNT; p++) {
      const ctl = H32[H32[src + p]!]!;
      if ((ctl & 1) !== 0) {
        arrived |= 1 << p;
        IN_CTL[p] = ctl;
      }
      const c = H32[H32[src + 5 + p]!]!;
      if (c !== 0) this.pushCredit(p, c >>> 1, now);
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
    const V = this.V;
    const NI = Port.COUNT * V;
    const b = this.rsBase + ri * Rs.WORDS;
    H32.fill(0, b, b + Rs.CX);
    // every VC St.IDLE, no switch grant pending, empty ring buffers
    const vb = this.vcBase + ri * NI * Vc.WORDS;
    H32.fill(0, vb, vb + NI * Vc.WORDS);
    // occupancy, tickets, credit rings, allocator pointers: 0; every output VC free
    const pb = this.ptBase + ri * Port.COUNT * Pt.WORDS;
    H32.fill(0, pb, pb + Port.COUNT * Pt.WORDS);
    const all = V === 32 ? -1 : (1 << V) - 1;
    for (let p = 0; p < Port.COUNT; p++) H32[pb + Pt.FREE * Port.COUNT + p] = all;
    const ob = this.ovBase + ri * NI * Ov.WORDS;
    for (let j = ob; j < ob + NI * Ov.WORDS; j += Ov.WORDS) {
      H16[j + Ov.OWNER] = -1;
      H16[j + Ov.OCC] = 0;
      H16[j + Ov.TAIL] = 0;
    }
    const cb = this.cqBase + ri * Port.COUNT * this.cqN;
    H32.fill(0, cb, cb + Port.COUNT * this.cqN);
    const xn = Port.COUNT * this.xq * Xb.WORDS;
    const xbb = this.xbBase + ri * xn;
    for (let x = xbb; x < xbb + xn; x += Xb.WORDS) H32[x + Xb.T] = -1;
    const xdb = this.xdBase + ri * this.xq;
    H32.fill(0, xdb, xdb + this.xq);
    const gb = this.vaBase + ri * 2 * NI;
    H16.fill(0, gb, gb + 2 * NI);
    const fb = this.fbBase + ri * Port.COUNT * Fb.BUCKETS;
    H16.fill(0, fb, fb + Port.COUNT * Fb.BUCKETS);
    H32.fill(0, this.errBase + ri * Err.WORDS, this.errBase + (ri + 1) * Err.WORDS);
  }

  /** Clears the output registers that hold a non-zero value (an idle router's last cycle). */
  private clearOutputs(): void {
    const out = this.outB;
    for (let p = 0; p < Port.COUNT; p++) {
      if ((this.dirty & (1 << p)) !== 0) H32[out + p * 5] = 0;
      if ((this.dirty & (256 << p)) !== 0) H32[out + 25 + p] = 0;
    }
    this.dirty = 0;
  }

  /** Records the router's first protocol violation (worded by `error`). */
  private fail(code: number, port: number, vc: number): void {
    const e = this.errBase + this.ri * Err.WORDS;
    if (H32[e] !== Err.NONE) return;
    H32[e] = code;
    H32[e + 1] = port;
    H32[e + 2] = vc;
    H32[e + 3] = this.t - 1;
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



  /** A credit for output `port`, VC vc, read in cycle `now`. */
  private pushCredit(port: number, vc: number, now: number): void {
    H32[this.cb + port * this.cqN + (now & (this.cqN - 1))] = vc + 1;
    H32[this.pb + Pt.CQCOUNT * Port.COUNT + port]!++;
    this.cqMask |= 1 << port;
    this.busy++;
    this.nCred++;
  }

  /** H32 index of ring slot k of the stepping router's input VC i. */
  private slotAt(i: number, k: number): number {
    return k === 0 ? this.vb + (i << Vc.SHIFT) + Vc.SLOT0 : this.eb + (i * this.B1 + k - 1) * Slot.WORDS;
  }

  /** Writes arriving flits into their VC buffers (usable from cycle now + linkLatency). */
  private receive(arrived: number, now: number): void {
    const pt = H32;
    const vb = this.vb;
    const pb = this.pb;
    const V = this.V;
    const B = this.B;
    const ready = now + this.L;
    const src = this.srcB;
    const vw = H32;
    const vy = H8;
    let ports = arrived;
    while (ports !== 0) {
      const p = 31 - Math.clz32(ports & -ports);
      ports &= ports - 1;
      const ctl = IN_CTL[p]!;
      const vc = (ctl >>> Fl.VC_SHIFT) & Fl.VC_MASK;
      if (vc >= V) {
        this.fail(Err.BAD_VC, p, vc);
        continue;
      }
      const i = p * V + vc;
      const w = vb + (i << Vc.SHIFT);
      const y = w << 2;
      const n = vy[y + Vb.COUNT]! & 0xff;
      if (n >= B) {
        this.fail(Err.OVERFLOW, p, vc);
        continue;
      }
      let k = (vy[y + Vb.HEAD]! & 0xff) + n;
      if (k >= B) k -= B;
      const s = k === 0 ? w + Vc.SLOT0 : this.eb + (i * this.B1 + k - 1) * Slot.WORDS;
      const f = H32[src + p]!;
      const from = H32[f + 1]!;
      // the flit's words one by one, not with flit.ts copyFlitWords: its inlined arguments are
      // new locals, so the record's address is computed again (callgrind: +2.4k instructions a
      // cycle over the router's three copies)
      vw[s + Slot.CTL] = ctl;
      vw[s + Slot.SRC] = from;
      vw[s + Slot.DATA] = H32[f + 2]!;
      vw[s + Slot.CT] = H32[f + 3]!;
      vw[s + Slot.IT] = H32[f + 4]!;
      vw[s + Slot.READY] = ready;
      let ticket = 0;
      let flow = 0;
      if ((ctl & Fl.HEAD) !== 0) {
        flow = flowOf(ctl, from);
        H16[this.fbb + p * Fb.BUCKETS + flowBucket(flow)]!++;
        ticket = pt[pb + Pt.TICKET * Port.COUNT + p]!;
        vw[s + Slot.TICKET] = ticket;
        pt[pb + Pt.TICKET * Port.COUNT + p] = (ticket + 1) & 0x3fffffff;
      }
      vy[y + Vb.COUNT] = n + 1;
      if (n === 0) vw[w + Vc.READY] = ready;
      pt[pb + Pt.OCC * Port.COUNT + p] |= 1 << vc;
      this.busy++;
      this.nBuf++;
      if (vy[y + Vb.STATE] === St.IDLE) {
        if ((ctl & Fl.HEAD) === 0) {
          this.fail(Err.BODY_ON_IDLE, p, vc);
          flow = flowOf(ctl, from);
        }
        this.startPacket(i, p, ctl, flow, ticket, ready + this.RD);
      }
    }
  }

  /** Sets input VC i's state, keeping the port's St.VA and St.ACTIVE masks (the allocators' work lists). */
  private setState(i: number, st: number): void {
    H8[((this.vb + (i << Vc.SHIFT)) << 2) + Vb.STATE] = st;
    const p = H8[this.portOfB + i]!;
    const bit = 1 << (i - p * this.V);
    const pt = H32;
    const va = this.pb + Pt.VAMASK * Port.COUNT + p;
    const act = this.pb + Pt.ACTMASK * Port.COUNT + p;
    pt[va] = st === St.VA ? pt[va]! | bit : pt[va]! & ~bit;
    pt[act] = st === St.ACTIVE ? pt[act]! | bit : pt[act]! & ~bit;
  }

  /** Input VC i starts the packet whose head (control word ctl, flow word `flow`) is at its front. */
  private startPacket(i: number, p: number, ctl: number, flow: number, ticket: number, vaAt: number): void {
    const rt = this.route(ctl, p);
    const vw = H32;
    const vy = H8;
    const w = this.vb + (i << Vc.SHIFT);
    const y = w << 2;
    vw[w + Vc.FLOW] = flow;
    vw[w + Vc.TICKET] = ticket;
    vy[y + Vb.HEADGONE] = 0;
    vy[y + Vb.FLOWOK] = 0;
    vy[y + Vb.OUT0] = rt & 15;
    vy[y + Vb.OUT1] = (rt >>> 4) - 1;
    vy[y + Vb.OVC0] = -1;
    vy[y + Vb.OVC1] = -1;
    this.setState(i, St.VA);
    vw[w + Vc.TIME] = vaAt;
    this.nVa++;
  }

  private applyCredits(now: number): void {
    const pt = H32;
    const pb = this.pb;
    const ob = this.ob;
    const n = this.cqN;
    const V = this.V;
    const wait = this.waitTailCredit;
    const ovc = H16;
    // the slot of the credits read creditAt cycles ago
    const at = (now - this.creditAt) & (n - 1);
    let ports = this.cqMask;
    while (ports !== 0) {
      const o = 31 - Math.clz32(ports & -ports);
      ports &= ports - 1;
      const s = this.cb + o * n + at;
      const c = H32[s]!;
      if (c === 0) continue;
      H32[s] = 0;
      const vc = c - 1;
      const j = ob + (o * V + vc) * Ov.WORDS;
      const occ = ovc[j + Ov.OCC]!;
      if (occ === 0) this.fail(Err.UNDERFLOW, o, vc);
      else ovc[j + Ov.OCC] = occ - 1;
      if (wait && occ === 1 && ovc[j + Ov.TAIL] === 1) {
        ovc[j + Ov.OWNER] = -1;
        ovc[j + Ov.TAIL] = 0;
        pt[pb + Pt.FREE * Port.COUNT + o] |= 1 << vc;
      }
      this.busy--;
      this.nCred--;
      if (--pt[pb + Pt.CQCOUNT * Port.COUNT + o]! === 0) this.cqMask &= ~(1 << o);
    }
  }

  // ------------------------------------------------------------------ VC allocation

  private allocateVcs(now: number): void {
    const pt = H32;
    const vaReq = VA_REQ;
    const vaReqVm = VA_REQ_VM;
    const vnetB = this.vnetB;
    const vb = this.vb;
    const pb = this.pb;
    const V = this.V;
    const NI = Port.COUNT * V;
    const vw = H32;
    const vy = H8;
    let any = 0;
    for (let p = 0; p < Port.COUNT; p++) {
      // VCs in St.VA state (they hold their head flit, so they are a subset of occ)
      let m = pt[pb + Pt.VAMASK * Port.COUNT + p]!;
      if (m === 0) continue;
      const occ = pt[pb + Pt.OCC * Port.COUNT + p]!;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const i = p * V + vc;
        const w = vb + (i << Vc.SHIFT);
        if (vw[w + Vc.TIME]! > now) continue;
        const y = w << 2;
        if (vy[y + Vb.FLOWOK] === 0) {
          if (occ !== 1 << vc && H16[this.fbb + p * Fb.BUCKETS + flowBucket(vw[w + Vc.FLOW]!)]! > 1 && this.olderSameFlow(p, i)) continue;
          vy[y + Vb.FLOWOK] = 1;
        }
        const o = vy[y + Vb.OVC0]! < 0 ? vy[y + Vb.OUT0]! : vy[y + Vb.OUT1]!;
        const k = (any & (1 << o)) === 0 ? 0 : VA_N[o]!;
        vaReq[o * NI + k] = i;
        // the front flit is the packet's head: its vnet is in the flow word (bits 20..22)
        vaReqVm[o * NI + k] = H32[vnetB + ((vw[w + Vc.FLOW]! >>> 20) & Fl.VNET_MASK)]!;
        VA_N[o] = k + 1;
        any |= 1 << o;
      }
    }
    for (let o = 0; o < Port.COUNT; o++) {
      if ((any & (1 << o)) === 0) continue;
      if (this.islipVa) this.vaIslip(o, now);
      else this.vaSeparable(o, now);
    }
    if (this.vaDelay > 1) {
      // update phase: grants evaluated vaDelay - 1 cycles ago take effect
      for (let p = 0; p < Port.COUNT; p++) {
        let m = pt[pb + Pt.OCC * Port.COUNT + p]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          const w = vb + (i << Vc.SHIFT);
          if (vy[(w << 2) + Vb.STATE] === St.VA_PEND && vw[w + Vc.TIME] === now) this.vaPendingUpdate(i, now);
        }
      }
    }
  }

  /**
   * Packets of one flow (source, destination, vnet) stay in order: a head does not allocate
   * while an older head of its flow at the same input has not left. (They share the XY path,
   * so order at every input keeps order end to end.) The heads that can block a packet arrived
   * before it, so they are all present when it starts; they only leave, so once none blocks, none
   * ever will, and the caller records that in Vb.FLOWOK instead of searching every cycle.
   */
  private olderSameFlow(p: number, i: number): boolean {
    const pt = H32;
    const vb = this.vb;
    const V = this.V;
    const B = this.B;
    const vw = H32;
    const vy = H8;
    const f = vw[vb + (i << Vc.SHIFT) + Vc.FLOW]!;
    const t = vw[vb + (i << Vc.SHIFT) + Vc.TICKET]!;
    let m = pt[this.pb + Pt.OCC * Port.COUNT + p]!;
    while (m !== 0) {
      const vc = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const j = p * V + vc;
      if (j === i) continue;
      const w = vb + (j << Vc.SHIFT);
      const y = w << 2;
      if (vy[y + Vb.STATE] !== St.IDLE && vy[y + Vb.HEADGONE] === 0 && vw[w + Vc.FLOW] === f && ((vw[w + Vc.TICKET]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      const n = vy[y + Vb.COUNT]! & 0xff;
      if (n < 2) continue;
      // heads queued behind the VC's current packet (VCs reused before the tail credit returned)
      const h = vy[y + Vb.HEAD]! & 0xff;
      for (let k = 1; k < n; k++) {
        const hk = h + k;
        const s = this.slotAt(j, hk >= B ? hk - B : hk);
        const c = vw[s + Slot.CTL]!;
        if ((c & Fl.HEAD) === 0) continue;
        const g = flowOf(c, vw[s + Slot.SRC]!);
        if (g === f && ((vw[s + Slot.TICKET]! - t) & 0x3fffffff) > 0x1fffffff) return true;
      }
    }
    return false;
  }

  /** iSLIP over the output VCs of port `o` (every requester asks for every free VC of its class). */
  private vaIslip(o: number, now: number): void {
    const pt = H32;
    const vaG = H16;
    const vaA = H16;
    const vaReq = VA_REQ;
    const vaReqVm = VA_REQ_VM;
    const pb = this.pb;
    const gb = this.gb;
    const ab = this.ab;
    const V = this.V;
    const NI = Port.COUNT * V;
    const n = VA_N[o]!;
    const base = o * NI;
    const fm = pt[pb + Pt.FREE * Port.COUNT + o]!;
    if (n === 1) {
      const i = vaReq[base]!;
      const m = fm & vaReqVm[base]!;
      if (m === 0) return this.vaResult(i, -1, now);
      const a = vaA[ab + i]!;
      const start = a > o * V && a < o * V + V ? a - o * V : 0;
      const v = firstFrom(m, start);
      vaG[gb + o * V + v] = i + 1 === NI ? 0 : i + 1;
      vaA[ab + i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
      return this.vaResult(i, v, now);
    }
    const inMatch = IN_MATCH;
    for (let k = 0; k < n; k++) inMatch[vaReq[base + k]!] = -1;
    let outFree = fm;
    const gms = VA_GMS;
    // requesters not matched yet (an iteration with none left would grant nothing)
    let left = n;
    for (let iter = 0; iter < this.vcIters && left !== 0; iter++) {
      if (left === 1 && this.oneVnet) {
        // (after the first iteration) one requester left, and every free VC may go to it: each
        // grants it, and it accepts the first from its pointer; the same match without the matrix
        if (outFree === 0) break;
        let k = 0;
        while (inMatch[vaReq[base + k]!] !== -1) k++;
        const i = vaReq[base + k]!;
        const a = vaA[ab + i]!;
        inMatch[i] = firstFrom(outFree, a > o * V && a < o * V + V ? a - o * V : 0);
        break;
      }
      // grant: each unmatched free output VC picks the first unmatched requester from its pointer
      // (each VC grants one requester, so the VCs granted to requester k are collected in
      // gms[k] as the grants are made, instead of being searched for in the accept step)
      let m = outFree;
      let granted = false;
      // nobody matched yet and (one vnet) every requester may take every VC: no checks needed
      const open = iter === 0 && this.oneVnet;
      for (let k = 0; k < n; k++) gms[k] = 0;
      const gv = gb + o * V;
      while (m !== 0) {
        const v = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const g = vaG[gv + v]!;
        // requesters are in ascending order: the first at or after the pointer, cyclically
        let k0 = 0;
        while (k0 < n && vaReq[base + k0]! < g) k0++;
        if (open) {
          gms[k0 === n ? 0 : k0]! |= 1 << v;
          granted = true;
          continue;
        }
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
        const a = vaA[ab + i]!;
        const v = firstFrom(gm, a > o * V && a < o * V + V ? a - o * V : 0);
        inMatch[i] = v;
        outFree &= ~(1 << v);
        left--;
        if (iter === 0) {
          vaG[gb + o * V + v] = i + 1 === NI ? 0 : i + 1;
          vaA[ab + i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
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
    const pt = H32;
    const vaG = H16;
    const vaA = H16;
    const vaReq = VA_REQ;
    const vaReqVm = VA_REQ_VM;
    const pb = this.pb;
    const gb = this.gb;
    const ab = this.ab;
    const V = this.V;
    const NI = Port.COUNT * V;
    const n = VA_N[o]!;
    const base = o * NI;
    const fm = pt[pb + Pt.FREE * Port.COUNT + o]!;
    const grants = VA_GRANTS;
    for (let v = 0; v < V; v++) grants[v] = -1;
    const inMatch = IN_MATCH;
    for (let k = 0; k < n; k++) {
      const i = vaReq[base + k]!;
      inMatch[i] = -1;
      const m = fm & vaReqVm[base + k]!;
      if (m === 0) continue;
      const a = vaA[ab + i]!;
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
      vaA[ab + i] = o * V + v + 1 === NI ? 0 : o * V + v + 1;
    }
    for (let k = 0; k < n; k++) {
      const i = vaReq[base + k]!;
      this.vaResult(i, inMatch[i]!, now);
    }
  }

  /** Outcome of VC allocation for input VC i evaluated at `now`: output VC v of its target port, or -1. */
  private vaResult(i: number, v: number, now: number): void {
    const w = this.vb + (i << Vc.SHIFT);
    const d = this.vaDelay;
    if (v < 0) {
      H32[w + Vc.TIME] = now + d;
      return;
    }
    if (d === 1) {
      this.takeVc(i, v, now);
      return;
    }
    this.setState(i, St.VA_PEND);
    H8[(w << 2) + Vb.GRANT] = v;
    H32[w + Vc.TIME] = now + d - 1;
  }

  private vaPendingUpdate(i: number, now: number): void {
    const vy = H8;
    const w = this.vb + (i << Vc.SHIFT);
    const y = w << 2;
    const o = vy[y + Vb.OVC0]! < 0 ? vy[y + Vb.OUT0]! : vy[y + Vb.OUT1]!;
    const v = vy[y + Vb.GRANT]!;
    if (H16[this.ob + (o * this.V + v) * Ov.WORDS + Ov.OWNER]! >= 0) {
      this.setState(i, St.VA);
      H32[w + Vc.TIME] = now + 1;
      return;
    }
    this.takeVc(i, v, now);
  }

  private takeVc(i: number, v: number, now: number): void {
    const ovc = H16;
    const ob = this.ob;
    const vy = H8;
    const w = this.vb + (i << Vc.SHIFT);
    const y = w << 2;
    const second = vy[y + Vb.OVC0]! >= 0;
    const out1 = vy[y + Vb.OUT1]!;
    const o = second ? out1 : vy[y + Vb.OUT0]!;
    const j = (o * this.V + v) * Ov.WORDS;
    ovc[ob + j + Ov.OWNER] = i;
    ovc[ob + j + Ov.TAIL] = 0;
    H32[this.pb + Pt.FREE * Port.COUNT + o] &= ~(1 << v);
    if (second) vy[y + Vb.OVC1] = v;
    else vy[y + Vb.OVC0] = v;
    if (!second && out1 >= 0) {
      this.setState(i, St.VA);
      H32[w + Vc.TIME] = now + 1;
      return;
    }
    this.setState(i, St.ACTIVE);
    this.nVa--;
    vy[y + Vb.NEED] = out1 >= 0 ? 3 : 1;
    H32[w + Vc.TIME] = now + 1;
  }

  // ------------------------------------------------------------------ switch allocation

  private allocateSwitch(now: number): void {
    const pt = H32;
    const vb = this.vb;
    const pb = this.pb;
    const ob = this.ob;
    const V = this.V;
    const B = this.B;
    const P = Port.COUNT;
    const vw = H32;
    const vy = H8;
    const ovc = H16;
    let anyReq = 0;
    // outputs requested so far; conflict: an input requests two outputs or two inputs one output
    let outSeen = 0;
    let conflict = false;
    for (let p = 0; p < P; p++) {
      // St.ACTIVE VCs with a flit
      let m = pt[pb + Pt.OCC * Port.COUNT + p]! & pt[pb + Pt.ACTMASK * Port.COUNT + p]!;
      SA_INREQ[p] = 0;
      if (m === 0) continue;
      const rr = pt[pb + Pt.SARR * Port.COUNT + p]!;
      let inReq = 0;
      while (m !== 0) {
        const vc = 31 - Math.clz32(m & -m);
        m &= m - 1;
        const w = vb + ((p * V + vc) << Vc.SHIFT);
        const y = w << 2;
        if (this.saDelay > 1 && vy[y + Vb.SAPEND] === 1) continue;
        if (vw[w + Vc.TIME]! > now) continue;
        if (vw[w + Vc.READY]! > now) continue;
        const first = (vy[y + Vb.NEED]! & 1) !== 0;
        const o = first ? vy[y + Vb.OUT0]! : vy[y + Vb.OUT1]!;
        const ov = first ? vy[y + Vb.OVC0]! : vy[y + Vb.OVC1]!;
        if (ovc[ob + (o * V + ov) * Ov.WORDS + Ov.OCC]! >= B) continue;
        const li = o * Port.COUNT + p;
        if ((inReq & (1 << o)) !== 0) {
          // one request per (input, output): the VC nearest after the round-robin offset wins
          const cur = SA_LABEL[li]!;
          const dNew = vc - rr < 0 ? vc - rr + V : vc - rr;
          const dCur = cur - rr < 0 ? cur - rr + V : cur - rr;
          if (dNew >= dCur) continue;
        }
        SA_LABEL[li] = vc;
        inReq |= 1 << o;
        anyReq = 1;
      }
      SA_INREQ[p] = inReq;
      if ((inReq & (inReq - 1)) !== 0 || (outSeen & inReq) !== 0) conflict = true;
      outSeen |= inReq;
    }
    if (anyReq !== 0) {
      if (conflict) this.switchMatch(now);
      else this.grantAll(now);
    }
    if (this.saDelay > 1) {
      // update phase: grants evaluated saDelay - 1 cycles ago take effect
      for (let p = 0; p < P; p++) {
        let m = pt[pb + Pt.OCC * Port.COUNT + p]!;
        while (m !== 0) {
          const vc = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const i = p * V + vc;
          const w = vb + (i << Vc.SHIFT);
          if (vy[(w << 2) + Vb.SAPEND] === 1 && vw[w + Vc.SATIME] === now) this.saPendingUpdate(i, p, now);
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
    const pt = H32;
    for (let p = 0; p < P; p++) {
      const r = SA_INREQ[p]!;
      if (r === 0) continue;
      const o = 31 - Math.clz32(r);
      pt[pb + Pt.SAG * Port.COUNT + o] = p + 1 === P ? 0 : p + 1;
      pt[pb + Pt.SAA * Port.COUNT + p] = o + 1 === P ? 0 : o + 1;
      this.grant(p, o, now);
    }
  }

  /** Input p won output o: its labelled VC's front flit traverses now (or after the SA delay). */
  private grant(p: number, o: number, now: number): void {
    const pt = H32;
    const pb = this.pb;
    const V = this.V;
    const vc = SA_LABEL[o * Port.COUNT + p]!;
    const i = p * V + vc;
    pt[pb + Pt.SARR * Port.COUNT + p] = vc + 1 === V ? 0 : vc + 1;
    const d = this.saDelay;
    if (d === 1) this.traverse(i, p, o, now);
    else {
      const w = this.vb + (i << Vc.SHIFT);
      H8[(w << 2) + Vb.SAPEND] = 1;
      H8[(w << 2) + Vb.SAOUT] = o;
      H32[w + Vc.SATIME] = now + d - 1;
    }
  }

  /** General switch allocation (some input or output has several requests). */
  private switchMatch(now: number): void {
    const pt = H32;
    const pb = this.pb;
    const P = Port.COUNT;
    for (let o = 0; o < P; o++) SA_REQ[o] = 0;
    for (let p = 0; p < P; p++) {
      let m = SA_INREQ[p]!;
      while (m !== 0) {
        const o = 31 - Math.clz32(m & -m);
        m &= m - 1;
        SA_REQ[o] |= 1 << p;
      }
    }
    const grants = SA_GRANTS;
    let inMatched = 0;
    let outMatched = 0;
    const inMatch = IN_MATCH; // scratch, P entries
    for (let p = 0; p < P; p++) inMatch[p] = -1;
    if (this.islipSa) {
      // gms[p]: outputs that granted input p in this iteration (collected as the grants are made)
      const gms = SA_GMS;
      for (let iter = 0; iter < this.swIters; iter++) {
        let granted = false;
        for (let p = 0; p < P; p++) gms[p] = 0;
        for (let o = 0; o < P; o++) {
          if ((outMatched & (1 << o)) !== 0) continue;
          const req = SA_REQ[o]! & ~inMatched;
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
        const req = SA_INREQ[p]!;
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
    const vy = H8;
    const w = this.vb + (i << Vc.SHIFT);
    const y = w << 2;
    vy[y + Vb.SAPEND] = 0;
    const o = vy[y + Vb.SAOUT]!;
    const first = (vy[y + Vb.NEED]! & 1) !== 0;
    const ov = first ? vy[y + Vb.OVC0]! : vy[y + Vb.OVC1]!;
    if (H16[this.ob + (o * this.V + ov) * Ov.WORDS + Ov.OCC]! >= this.B) {
      H32[w + Vc.TIME] = now + 1;
      return;
    }
    this.traverse(i, p, o, now);
  }

  /** Switch allocation won: the front flit of input VC i leaves for output o (switch traversal). */
  private traverse(i: number, p: number, o: number, now: number): void {
    const pt = H32;
    const ovc = H16;
    const pb = this.pb;
    const ob = this.ob;
    const xbb = this.xbb;
    const V = this.V;
    const B = this.B;
    const vw = H32;
    const vy = H8;
    const xb = H32;
    const w = this.vb + (i << Vc.SHIFT);
    const y = w << 2;
    const h = vy[y + Vb.HEAD]! & 0xff;
    const s = h === 0 ? w + Vc.SLOT0 : this.eb + (i * this.B1 + h - 1) * Slot.WORDS;
    const need0 = vy[y + Vb.NEED]!;
    const first = (need0 & 1) !== 0;
    const ov = first ? vy[y + Vb.OVC0]! : vy[y + Vb.OVC1]!;
    let ctl = vw[s + Slot.CTL]!;
    const hops = (ctl >>> Fl.HOPS_SHIFT) & Fl.HOPS_MASK;
    ctl = (ctl & ~((Fl.VC_MASK << Fl.VC_SHIFT) | (Fl.HOPS_MASK << Fl.HOPS_SHIFT))) | (ov << Fl.VC_SHIFT) | ((hops < Fl.HOPS_MASK ? hops + 1 : hops) << Fl.HOPS_SHIFT);
    const at = now + this.stDelay;
    // slot of cycle now + stDelay (stDelay < xq)
    let xs = this.xbNow + this.stDelay - 1;
    if (xs >= this.xq) xs -= this.xq;
    const x = xbb + (o * this.xq + xs) * Xb.WORDS;
    if (xb[x + Xb.T]! >= 0) this.fail(Err.XBAR_CONFLICT, o, 0);
    xb[x + Xb.T] = at;
    H32[this.xdb + xs]! |= 1 << o;
    xb[x + Xb.CTL] = ctl;
    // (one by one: see receive)
    xb[x + Xb.SRC] = vw[s + Slot.SRC]!;
    xb[x + Xb.DATA] = vw[s + Slot.DATA]!;
    xb[x + Xb.CT] = vw[s + Slot.CT]!;
    xb[x + Xb.IT] = vw[s + Slot.IT]!;
    this.nXb++;
    const j = ob + (o * V + ov) * Ov.WORDS;
    ovc[j + Ov.OCC]!++;
    const tail = (ctl & Fl.TAIL) !== 0;
    if (tail) {
      ovc[j + Ov.TAIL] = 1;
      if (!this.waitTailCredit) {
        ovc[j + Ov.OWNER] = -1;
        ovc[j + Ov.TAIL] = 0;
        pt[pb + Pt.FREE * Port.COUNT + o] |= 1 << ov;
      }
    }
    const need = need0 & ~(first ? 1 : 2);
    if (need !== 0) {
      // multicast: the other copy goes out in a later switch allocation (busy: one more flit held)
      this.busy++;
      vy[y + Vb.NEED] = need;
      vw[w + Vc.TIME] = now + 1;
      return;
    }
    // the flit leaves the buffer: credit upstream (a head leaves its flow bucket)
    if ((ctl & Fl.HEAD) !== 0) H16[this.fbb + p * Fb.BUCKETS + flowBucket(vw[w + Vc.FLOW]!)]!--; // the VC's packet is this head's
    const n = (vy[y + Vb.COUNT]! & 0xff) - 1;
    // an emptied ring restarts at slot 0, so short packets keep reusing their block's line
    const h2 = n === 0 || h + 1 === B ? 0 : h + 1;
    vy[y + Vb.COUNT] = n;
    vy[y + Vb.HEAD] = h2;
    const s2 = h2 === 0 ? w + Vc.SLOT0 : this.eb + (i * this.B1 + h2 - 1) * Slot.WORDS;
    if (n !== 0) vw[w + Vc.READY] = vw[s2 + Slot.READY]!;
    // (busy is unchanged: the flit moves from the buffer to the crossbar)
    this.nBuf--;
    const vc = i - p * V;
    if (n === 0) pt[pb + Pt.OCC * Port.COUNT + p] &= ~(1 << vc);
    CR_SEND[p] = 1 | (vc << 1);
    this.crMask |= 1 << p;
    vy[y + Vb.HEADGONE] = 1;
    vy[y + Vb.NEED] = vy[y + Vb.OUT1]! >= 0 ? 3 : 1;
    if (tail) {
      if (n === 0) this.setState(i, St.IDLE);
      else {
        const rd = vw[w + Vc.READY]!;
        const c2 = vw[s2 + Slot.CTL]!;
        this.startPacket(i, p, c2, flowOf(c2, vw[s2 + Slot.SRC]!), vw[s2 + Slot.TICKET]!, (rd > now + 1 ? rd : now + 1) + this.RD);
      }
    } else {
      vw[w + Vc.TIME] = now + 1;
    }
  }

  private writeOutputs(now: number): void {
    const xbDue = H32;
    const xbb = this.xbb;
    const xdb = this.xdb;
    let dirty = 0;
    const xq = this.xq;
    const slot = this.xbNow === 0 ? xq - 1 : this.xbNow - 1; // now % xq
    const xb = H32;
    const out = this.outB;
    const sent = this.sentBase + this.ri * Port.COUNT;
    // only ports with a flit due, a credit to send, or a register to clear
    let ports = xbDue[xdb + slot]! | this.crMask | (this.dirty & 31) | ((this.dirty >>> 8) & 31);
    xbDue[xdb + slot] = 0;
    while (ports !== 0) {
      const o = 31 - Math.clz32(ports & -ports);
      ports &= ports - 1;
      const x = (o * xq + slot) * Xb.WORDS;
      const w = out + o * 5;
      if (xb[xbb + x + Xb.T] === now) {
        xb[xbb + x + Xb.T] = -1;
        H32[w] = xb[xbb + x + Xb.CTL]!;
        // (one by one: see receive)
        H32[w + 1] = xb[xbb + x + Xb.SRC]!;
        H32[w + 2] = xb[xbb + x + Xb.DATA]!;
        H32[w + 3] = xb[xbb + x + Xb.CT]!;
        H32[w + 4] = xb[xbb + x + Xb.IT]!;
        H32[sent + o]!++;
        dirty |= 1 << o;
        this.busy--;
        this.nXb--;
      } else if ((this.dirty & (1 << o)) !== 0) H32[w] = 0;
      if ((this.crMask & (1 << o)) !== 0) {
        H32[out + 25 + o] = CR_SEND[o]!;
        dirty |= 256 << o;
      } else if ((this.dirty & (256 << o)) !== 0) H32[out + 25 + o] = 0;
    }
    this.dirty = dirty;
  }


  // ------------------------------------------------------------------ testbench views

  /** Flits buffered at router ri, input port p, VC vc. */
  buffered(ri: number, p: number, vc: number): number {
    return H8[((this.vcBase + (((ri * Port.COUNT + p) * this.V + vc) << Vc.SHIFT)) << 2) + Vb.COUNT]! & 0xff;
  }
  /** Credits in use (flits sent, credit not yet applied) for output port o, VC vc. */
  occupancy(ri: number, o: number, vc: number): number {
    return H16[this.ovBase + ((ri * Port.COUNT + o) * this.V + vc) * Ov.WORDS + Ov.OCC]!;
  }
  /** Credits for output o, VC vc received but not yet applied (credit delay / link latency). */
  creditsPending(ri: number, o: number, vc: number): number {
    const ring = this.cqBase + (ri * Port.COUNT + o) * this.cqN;
    let n = 0;
    for (let c = 0; c < this.cqN; c++) if (H32[ring + c] === vc + 1) n++;
    return n;
  }
  /** Flits in the crossbar pipeline (switch traversal) for output o, VC vc. */
  inCrossbar(ri: number, o: number, vc: number): number {
    let n = 0;
    for (let s = 0; s < this.xq; s++) {
      const x = this.xbBase + ((ri * Port.COUNT + o) * this.xq + s) * Xb.WORDS;
      if (H32[x + Xb.T]! >= 0 && ((H32[x + Xb.CTL]! >>> Fl.VC_SHIFT) & Fl.VC_MASK) === vc) n++;
    }
    return n;
  }
  /** Number of flits held by router ri (buffers and crossbar). */
  flitsHeld(ri: number): number {
    const NI = Port.COUNT * this.V;
    let n = 0;
    for (let i = ri * NI; i < (ri + 1) * NI; i++) n += H8[((this.vcBase + (i << Vc.SHIFT)) << 2) + Vb.COUNT]! & 0xff;
    const xn = Port.COUNT * this.xq * Xb.WORDS;
    for (let x = this.xbBase + ri * xn; x < this.xbBase + (ri + 1) * xn; x += Xb.WORDS) if (H32[x + Xb.T]! >= 0) n++;
    return n;
  }
  /** First protocol violation of router ri, or "". */
  error(ri: number): string {
    const e = this.errBase + ri * Err.WORDS;
    const code = H32[e]!;
    if (code === Err.NONE) return "";
    const port = PORT_NAMES[H32[e + 1]!]!;
    const vc = H32[e + 2]!;
    const what =
      code === Err.BAD_VC ? `flit on input ${port} names VC ${vc} >= ${this.V}`
      : code === Err.OVERFLOW ? `buffer overflow on input ${port} VC ${vc} (no credit was available)`
      : code === Err.BODY_ON_IDLE ? `body flit on idle input ${port} VC ${vc}`
      : code === Err.UNDERFLOW ? `credit underflow at output ${port} VC ${vc}`
      : `crossbar slot conflict at output ${port}`;
    return `${this.paths[ri]} cycle ${H32[e + 3]!}: ${what}`;
  }
  /** Throws if router ri recorded a protocol violation. */
  check(ri: number): void {
    const e = this.error(ri);
    if (e !== "") throw new SimulationError(e);
  }
}
