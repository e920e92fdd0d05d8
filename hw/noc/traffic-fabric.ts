/**
 * The clocked logic of all traffic endpoints of a TrafficMesh (traffic.ts: the endpoint module,
 * its ports and registers, and the definitions of the patterns and of the Bernoulli source),
 * stepped in one clocked block and compiled to WebAssembly (hw/rtl/wasm) like the routers and
 * the NIs, or run as the same code in JavaScript (`engine: "js"`).
 *
 * What an endpoint reads: its registers, in the endpoint bank's next-value store (in the heap,
 * where the step assigns them: only the step writes it, so until the step assigns a register
 * the store holds its current value, and the step reads each register before assigning it),
 * and its inputs (the NI's client-side registers, the measurement window), in a mirror of their
 * values in the heap (ValueMirror). Each endpoint reads only registered values and assigns only
 * its own registers, so their order does not matter.
 *
 * Destinations: a pattern becomes a plan the compiled code can follow (`DestinationPlan`): a
 * table per source for the permutations, one draw scaled to the node count for `uniform`,
 * one draw against cumulative limits for several hotspots. test/noc/traffic-endpoint.test.ts
 * checks the packets this gives against traffic.ts's `destinationFunction`.
 */
import { fileURLToPath } from "node:url";
import { DesignError, ValueMirror, type BitsVec, type RegArray, type RegisterBank } from "../rtl/index.ts";
import { instantiateFabric, type FabricEngineSpec } from "./fabric-engine.ts";
import { checkFlitFields } from "./flit.ts";
import { NOC_HEAP } from "./heap.ts";
import { mix32 } from "./random.ts";

const H32 = new Int32Array(NOC_HEAP.buffer);
const U32 = new Uint32Array(NOC_HEAP.buffer);

/** An endpoint's registers, consecutive in the endpoint bank in this order (TrafficEndpoint declares them so). */
const enum R {
  RNG = 0,
  QTIME = 1,
  CTL = 2,
  DATA = 3,
  CT = 4,
  LEFT = 5,
  CREATED = 6,
  RECEIVED = 7,
  PLAT_LO = 8,
  PLAT_HI = 9,
  NLAT_LO = 10,
  NLAT_HI = 11,
  HOPS = 12,
  PLAT_MIN = 13,
  PLAT_MAX = 14,
  ACCEPTED = 15,
  HEAD_IT = 16,
  /** Creation cycle + 1 of the next packet once its successful trial is drawn; 0 until then. */
  DUE = 17,
  WORDS = 18,
}

/** Input words (the table of where their copies are, from inBase): the measurement window once, then per endpoint its inputs (I order). */
const enum G {
  WIN_START = 0,
  WIN_END = 1,
  FIRST = 2,
}
/** An endpoint's inputs (the NI's client-side registers). */
const enum I {
  INJ_READY = 0,
  EJ_CTL = 1,
  EJ_CT = 2,
  EJ_IT = 3,
  EJ_AT = 4,
  WORDS = 5,
}

/** How the compiled code finds a packet's destination (DestinationPlan.kind). */
export const enum Dest {
  /** A fixed destination per source: table[source]. */
  TABLE = 0,
  /** One draw r: floor(r * nodes / 2^32). */
  UNIFORM = 1,
  /** One draw r: the first hotspot whose limit is >= r (the last one otherwise). */
  HOTSPOTS = 2,
}

export interface DestinationPlan {
  readonly kind: Dest;
  /** TABLE: destination per source node; HOTSPOTS: the hotspot nodes. */
  readonly nodes: readonly number[];
  /** HOTSPOTS: per hotspot, the largest draw that picks it (unsigned 32-bit). */
  readonly limits: readonly number[];
}

/** Trials drawn ahead after a packet is created (the rest, at low rates, one cycle's worth per cycle). */
const enum Ahead {
  TRIALS = 16,
}

/** Flit fields (flit.ts; checked equal below). */
const enum Fl {
  VALID = 1,
  HEAD = 2,
  TAIL = 4,
  HOPS_SHIFT = 21,
  HOPS_MASK = 31,
}

checkFlitFields("traffic-fabric.ts", {
  VALID: Fl.VALID, HEAD: Fl.HEAD, TAIL: Fl.TAIL, HOPS_SHIFT: Fl.HOPS_SHIFT, HOPS_MASK: Fl.HOPS_MASK,
});

/** floor(r * n / 2^32) for a 32-bit draw r and n <= 2^15, in 32-bit integer arithmetic (the same in both engines). */
function scaleDraw(r: number, n: number): number {
  return ((r >>> 16) * n + (((r & 0xffff) * n) >>> 16)) >>> 16;
}

/** What the fabric is given: the traffic's parameters, the same for every endpoint. */
export interface TrafficSetup {
  readonly count: number;
  /** Node count of the mesh (uniform destinations are 0..nodes-1). */
  readonly nodes: number;
  /** Bernoulli threshold: a trial succeeds when its draw is below it (0..2^32). */
  readonly threshold: number;
  readonly packetSize: number;
  readonly plan: DestinationPlan;
  /** Head ctl word of a packet per destination node. */
  readonly headCtl: readonly number[];
  readonly engine: "wasm" | "js";
}

/**
 * Fields that hold parameters: the compiled engine takes them as constants. (Not the rate's
 * threshold: a sweep over rates then shares one module.)
 */
const PARAMETER_FIELDS = ["nodes", "packetSize", "destKind", "hotspots"] as const;

const ENGINE: FabricEngineSpec = { file: fileURLToPath(import.meta.url), className: "TrafficFabric", entries: ["stepEndpoints"], parameters: PARAMETER_FIELDS };

export class TrafficFabric {
  readonly count: number;
  private readonly nodes: number;
  /** The threshold as the compiled code compares it: never (rate 0), always (rate 1), or draw <= thrMax (unsigned). */
  private readonly thrNone: boolean;
  private readonly thrAll: boolean;
  private readonly thrMax: number;
  private readonly packetSize: number;
  private readonly destKind: number;
  private readonly hotspots: number;
  /** H32 indices: endpoint k's node at nodeBase + k, head ctl words per destination, destination plan's nodes and limits. */
  private readonly nodeBase: number;
  private readonly headBase: number;
  private readonly planBase: number;
  private readonly limitBase: number;
  /** H32 index of the input table (G), and of the bank's next-value store. */
  private readonly gBase: number;
  private nextBase = 0;
  private mirror: ValueMirror | undefined;
  private bank: RegisterBank | undefined;
  private inputs: BitsVec | undefined;
  /** The cycle (kept here, not in the compiled code: `stepAll` passes it to the step as `now`). */
  private t = 0;
  private readonly engine: "wasm" | "js";
  /** The compiled step (instantiated once the bank's store is placed: its fields are the module's globals). */
  private compiled: ((from: number, to: number, now: number) => number) | undefined;

  // ---- the stepping endpoint: its node, registers (in the store) and input table (H32 indices)
  private node = 0;
  private reg = 0;
  private inp = 0;
  /** The generator state after the last trial drawn (drawTrials), and the next trial's cycle. */
  private rngNext = 0;
  private qNext = 0;

  constructor(setup: TrafficSetup) {
    const count = (this.count = setup.count);
    this.nodes = setup.nodes;
    if (setup.nodes > 1 << 15) throw new RangeError(`traffic: ${setup.nodes} nodes are more than the generator takes (32768)`);
    this.thrNone = setup.threshold === 0;
    this.thrAll = setup.threshold >= 4294967296;
    this.thrMax = (setup.threshold - 1) | 0;
    this.packetSize = setup.packetSize;
    this.destKind = setup.plan.kind;
    this.hotspots = setup.plan.kind === Dest.HOTSPOTS ? setup.plan.nodes.length : 0;
    const words = [count, setup.nodes, setup.plan.nodes.length, setup.plan.limits.length, G.FIRST + count * I.WORDS];
    const start = NOC_HEAP.take(this, words.reduce((a, n) => a + n, 0) * 4) >> 2;
    this.nodeBase = start;
    this.headBase = this.nodeBase + count;
    this.planBase = this.headBase + setup.nodes;
    this.limitBase = this.planBase + setup.plan.nodes.length;
    this.gBase = this.limitBase + setup.plan.limits.length;
    setup.headCtl.forEach((c, d) => (H32[this.headBase + d] = c));
    setup.plan.nodes.forEach((n, i) => (H32[this.planBase + i] = n));
    setup.plan.limits.forEach((l, i) => (U32[this.limitBase + i] = l));
    this.engine = setup.engine;
  }

  /** An instance of the compiled step over the heap. */
  private instantiate(): (from: number, to: number, now: number) => number {
    return instantiateFabric(this, ENGINE)["stepEndpoints"] as (from: number, to: number, now: number) => number;
  }

  /** Endpoint k generates at node `node`. */
  attach(k: number, node: number): void {
    H32[this.nodeBase + k] = node;
  }

  /**
   * The endpoint bank (its store from `bankStore`, each endpoint's registers at k * R.WORDS in R
   * order: `first[k]` is endpoint k's first register array) and the input words, mirrored
   * every cycle (the window, then each endpoint's inputs in I order).
   */
  bind(bank: RegisterBank, first: readonly RegArray[], inputs: BitsVec): void {
    const n = G.FIRST + this.count * I.WORDS;
    if (inputs.length !== n) throw new DesignError(`traffic: ${inputs.length} input words, expected ${n}`);
    this.bank = bank;
    this.inputs = inputs;
    bank.onBound(() => {
      first.forEach((a, k) => {
        if (bank.offsetOf(a) !== k * R.WORDS) throw new DesignError(`${a.owner.path}: an endpoint's registers must be consecutive in ${bank.name}`);
      });
      if (bank.length !== this.count * R.WORDS) throw new DesignError(`${bank.name}: ${bank.length} words, expected ${this.count * R.WORDS}`);
      this.nextBase = bank.indexOf(first[0]!);
      this.mirror = this.mirrorInputs();
      if (this.engine === "wasm") this.compiled = this.instantiate();
    });
  }

  /** Synchronous reset (the registers are resettable: the kernel loads their initial values). */
  resetAll(): void {
    this.t = 0;
  }

  /** The mirror of the input words and the table of where they are. */
  private mirrorInputs(): ValueMirror {
    const m = new ValueMirror(this.inputs!, (words) => NOC_HEAP.takeWords(this, words), NOC_HEAP.buffer);
    H32.set(m.index, this.gBase);
    return m;
  }

  /** One clock cycle of every endpoint. */
  stepAll(): void {
    const now = this.t++;
    const bank = this.bank!;
    this.mirror!.refresh();
    const c = this.compiled;
    if ((c !== undefined ? c(0, this.count, now) : this.stepEndpoints(0, this.count, now)) !== 0) bank.markWritten();
  }

  /** One cycle of endpoints [from, to); returns 1 when a register was assigned. */
  stepEndpoints(from: number, to: number, now: number): number {
    let wrote = 0;
    for (let k = from; k < to; k++) {
      this.node = H32[this.nodeBase + k]!;
      this.reg = this.nextBase + k * R.WORDS;
      this.inp = this.gBase + G.FIRST + k * I.WORDS;
      wrote |= this.generate(now);
      const ej = H32[H32[this.inp + I.EJ_CTL]!]!;
      if ((ej & Fl.VALID) !== 0) {
        this.sink(ej);
        wrote = 1;
      }
    }
    return wrote;
  }

  /** The generator: offers the packet's flits to the NI one per cycle; returns 1 when it assigned a register. */
  private generate(now: number): number {
    const reg = this.reg;
    const ctl = H32[reg + R.CTL]!;
    if ((ctl & Fl.VALID) !== 0) {
      if (H32[H32[this.inp + I.INJ_READY]!] === 0) return 0; // offered flit not taken: hold
      const left = H32[reg + R.LEFT]!;
      if (left > 1) {
        // next flit of the same packet
        H32[reg + R.CTL] = (ctl & ~(Fl.HEAD | Fl.TAIL)) | (left === 2 ? Fl.TAIL : 0);
        H32[reg + R.DATA] = H32[reg + R.DATA]! + 1;
        H32[reg + R.LEFT] = left - 1;
        return 1;
      }
    }
    // lazy Bernoulli process: the next packet is created in cycle due - 1 (traffic.ts says why)
    let wrote = 0;
    let due = H32[reg + R.DUE]!;
    this.rngNext = H32[reg + R.RNG]!;
    if (due === 0 && !this.thrNone) {
      const q = H32[reg + R.QTIME]!;
      due = this.drawTrials(this.rngNext, q, now + 1 - q + 1);
      if (due === 0) {
        H32[reg + R.RNG] = this.rngNext;
        H32[reg + R.QTIME] = this.qNext;
        wrote = 1;
      }
    }
    if (due === 0 || due - 1 > now + 1) {
      if ((ctl & Fl.VALID) !== 0) {
        H32[reg + R.CTL] = 0;
        wrote = 1;
      }
      return wrote;
    }
    const hit = due - 1;
    const d = this.destination();
    H32[reg + R.CTL] = H32[this.headBase + d]!;
    H32[reg + R.DATA] = (this.node << 16) ^ hit;
    H32[reg + R.CT] = hit;
    H32[reg + R.LEFT] = this.packetSize;
    const g = this.gBase;
    if ((hit >>> 0) >= U32[H32[g + G.WIN_START]!]! && (hit >>> 0) < U32[H32[g + G.WIN_END]!]!) H32[reg + R.CREATED] = H32[reg + R.CREATED]! + 1;
    // the next packet's trials, drawn ahead
    H32[reg + R.DUE] = this.drawTrials(this.rngNext, hit + 1, Ahead.TRIALS);
    H32[reg + R.RNG] = this.rngNext;
    H32[reg + R.QTIME] = this.qNext;
    return 1;
  }

  /**
   * Draws up to `n` trials from generator state z for creation cycles q, q + 1, ...: returns
   * the successful one's cycle + 1, or 0; leaves the generator state in rngNext and the next
   * trial's cycle in qNext.
   */
  private drawTrials(z: number, q: number, n: number): number {
    let due = 0;
    for (let k = 0; k < n; k++) {
      z = (z + 0x9e3779b9) | 0;
      q++;
      if (this.thrAll || (mix32(z) >>> 0) <= (this.thrMax >>> 0)) {
        due = q;
        break;
      }
    }
    this.rngNext = z;
    this.qNext = q;
    return due;
  }

  /** The next draw of the stepping endpoint's generator (after its trials). */
  private nextDraw(): number {
    this.rngNext = (this.rngNext + 0x9e3779b9) | 0;
    return mix32(this.rngNext);
  }

  /** The new packet's destination (the plan's kind; a draw for UNIFORM and HOTSPOTS). */
  private destination(): number {
    if (this.destKind === Dest.TABLE) return H32[this.planBase + this.node]!;
    if (this.destKind === Dest.UNIFORM) return scaleDraw(this.nextDraw(), this.nodes);
    const r = this.nextDraw();
    for (let i = 0; i < this.hotspots - 1; i++) if (r >>> 0 <= U32[this.limitBase + i]!) return H32[this.planBase + i]!;
    return H32[this.planBase + this.hotspots - 1]!;
  }

  /** The measuring sink: counts flits in the window and the latency of packets created in it. */
  private sink(ctl: number): void {
    const reg = this.reg;
    const inp = this.inp;
    const g = this.gBase;
    // the words are unsigned (>>> 0 keeps the compiled comparisons unsigned, as JavaScript's are)
    const at = U32[H32[inp + I.EJ_AT]!]!;
    const ws = U32[H32[g + G.WIN_START]!]!;
    const we = U32[H32[g + G.WIN_END]!]!;
    if (at >>> 0 >= ws >>> 0 && at >>> 0 < we >>> 0) H32[reg + R.ACCEPTED] = H32[reg + R.ACCEPTED]! + 1;
    if ((ctl & Fl.HEAD) !== 0) H32[reg + R.HEAD_IT] = H32[H32[inp + I.EJ_IT]!]!;
    if ((ctl & Fl.TAIL) === 0) return;
    const ct = U32[H32[inp + I.EJ_CT]!]!;
    if (ct >>> 0 < ws >>> 0 || ct >>> 0 >= we >>> 0) return;
    const it = (ctl & Fl.HEAD) !== 0 ? H32[H32[inp + I.EJ_IT]!]! : H32[reg + R.HEAD_IT]!;
    const plat = (at - ct) | 0;
    const nlat = (at - it) | 0;
    H32[reg + R.RECEIVED] = H32[reg + R.RECEIVED]! + 1;
    // 64-bit sums: a carry when the low word wraps
    const pl0 = U32[reg + R.PLAT_LO]!;
    const pl = (pl0 + plat) | 0;
    H32[reg + R.PLAT_LO] = pl;
    // (a negative latency, only possible when a testbench pokes the ej registers, adds without a
    // carry and is a new minimum, never a maximum, as the JavaScript sums of numbers had it)
    if (plat >= 0 && pl >>> 0 < pl0 >>> 0) H32[reg + R.PLAT_HI] = H32[reg + R.PLAT_HI]! + 1;
    const nl0 = U32[reg + R.NLAT_LO]!;
    const nl = (nl0 + nlat) | 0;
    H32[reg + R.NLAT_LO] = nl;
    if (nlat >= 0 && nl >>> 0 < nl0 >>> 0) H32[reg + R.NLAT_HI] = H32[reg + R.NLAT_HI]! + 1;
    H32[reg + R.HOPS] = H32[reg + R.HOPS]! + ((ctl >>> Fl.HOPS_SHIFT) & Fl.HOPS_MASK);
    if (plat < 0 || plat >>> 0 < U32[reg + R.PLAT_MIN]!) H32[reg + R.PLAT_MIN] = plat;
    if (plat >= 0 && plat >>> 0 > U32[reg + R.PLAT_MAX]!) H32[reg + R.PLAT_MAX] = plat;
  }
}
