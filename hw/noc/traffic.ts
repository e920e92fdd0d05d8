/**
 * Synthetic traffic with BookSim2's pattern names and definitions, Bernoulli injection, and a
 * traffic endpoint module (generator + measuring sink) per node.
 *
 * Randomness: each endpoint draws from its own counter-based generator (a Weyl sequence
 * through the splitmix32 finaliser) held in a state register and seeded by a parameter, so
 * the hardware tree stays free of Math.random and results depend only on the seed.
 *
 * Injection follows BookSim2's TrafficManager: a source queue of unbounded length is modelled
 * lazily. The endpoint tries one Bernoulli trial per cycle of packet creation time `qtime`,
 * and only while its previous packet has been handed to the NI, so a packet's creation time is
 * the cycle of its successful trial however long it then waits (source queueing is part of the
 * packet latency, as in BookSim2).
 *
 * The trials are drawn ahead: when a packet is created, the trials for the next one are drawn
 * at once (up to DRAW_AHEAD of them) and the cycle of its successful trial is kept in `due`.
 * The draws come in the same order as one trial per cycle would take them (trials, then the
 * packet's destination, then the next packet's trials), so the packets are the same; a waiting
 * endpoint only compares `due` with the cycle, and its registers hold still.
 */
import { Module, type Bits, type BitsVec } from "../rtl/index.ts";
import { F_HEAD, F_TAIL, F_VALID, HOPS_MASK, HOPS_SHIFT, makeCtl, nodeCode } from "./flit.ts";
import type { ClientPorts, MeshOptions } from "./mesh.ts";
import { Mesh } from "./mesh.ts";

export const PATTERNS = ["uniform", "transpose", "bitcomp", "bitrev", "shuffle", "tornado", "neighbor", "hotspot"] as const;
export type PatternName = (typeof PATTERNS)[number];

export interface PatternSpec {
  name: PatternName;
  /** Hotspot destinations (node indices) and their relative weights (default [0], [1]). */
  hotspots?: number[];
  hotspotRates?: number[];
}

/** Random source of a pattern: `next()` gives a uniform 32-bit unsigned integer. */
export interface RandomSource {
  next(): number;
}

/** Uniform integer in [0, n) from a 32-bit draw (n <= 2^32). */
function below(r: RandomSource, n: number): number {
  return Math.floor((r.next() / 4294967296) * n);
}

/**
 * Destination function of a pattern over a W x H mesh of W*H nodes numbered y * W + x
 * (BookSim2 traffic.cpp definitions). Bit-permutation patterns need a power-of-two node count,
 * transpose a square mesh.
 */
export function destinationFunction(spec: PatternSpec, W: number, H: number): (src: number, rng: RandomSource) => number {
  const N = W * H;
  const bits = Math.log2(N);
  const pow2 = Number.isInteger(bits);
  const needPow2 = (): void => {
    if (!pow2) throw new RangeError(`pattern ${spec.name} needs a power-of-two node count (have ${N})`);
  };
  switch (spec.name) {
    case "uniform":
      return (_s, r) => below(r, N);
    case "transpose": {
      needPow2();
      if (W !== H) throw new RangeError("transpose needs a square mesh");
      const half = bits / 2;
      return (s) => ((s >>> half) | (s << half)) & (N - 1);
    }
    case "bitcomp":
      needPow2();
      return (s) => ~s & (N - 1);
    case "bitrev":
      needPow2();
      return (s) => {
        let d = 0;
        for (let b = 0; b < bits; b++) if ((s >>> b) & 1) d |= 1 << (bits - 1 - b);
        return d;
      };
    case "shuffle":
      needPow2();
      return (s) => ((s << 1) & (N - 1)) | ((s >>> (bits - 1)) & 1);
    case "tornado":
      return (s) => {
        const x = s % W;
        const y = (s - x) / W;
        return ((y + Math.ceil(H / 2) - 1) % H) * W + ((x + Math.ceil(W / 2) - 1) % W);
      };
    case "neighbor":
      return (s) => {
        const x = s % W;
        const y = (s - x) / W;
        return ((y + 1) % H) * W + ((x + 1) % W);
      };
    case "hotspot": {
      const hs = spec.hotspots ?? [0];
      const rates = spec.hotspotRates ?? hs.map(() => 1);
      if (hs.length === 0 || rates.length !== hs.length) throw new RangeError("hotspot: give as many rates as hotspots");
      for (const h of hs) if (!(Number.isInteger(h) && h >= 0 && h < N)) throw new RangeError(`hotspot node ${h} is not in 0..${N - 1}`);
      const total = rates.reduce((a, b) => a + b, 0);
      const cum = rates.map((_, i) => rates.slice(0, i + 1).reduce((a, b) => a + b, 0) / total);
      return (_s, r) => {
        if (hs.length === 1) return hs[0]!;
        const u = r.next() / 4294967296;
        for (let i = 0; i < hs.length; i++) if (u < cum[i]!) return hs[i]!;
        return hs[hs.length - 1]!;
      };
    }
  }
}

/** splitmix32 finaliser. */
export function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Flit fields of the endpoint's per-cycle path (flit.ts; checked equal below). esbuild inlines
 * same-file enum members as literals; an imported constant costs a module-cell load per use
 * and, in `tick`, keeps the kernel's batch compiler from compiling the block (a free name).
 */
const enum Fl {
  VALID = 1,
  HEAD = 2,
  TAIL = 4,
  HOPS_SHIFT = 21,
  HOPS_MASK = 31,
}

if (Fl.VALID !== F_VALID || Fl.HEAD !== F_HEAD || Fl.TAIL !== F_TAIL || Fl.HOPS_SHIFT !== HOPS_SHIFT || Fl.HOPS_MASK !== HOPS_MASK) {
  throw new Error("traffic.ts: flit fields differ from flit.ts");
}

/**
 * The endpoint's registers (R) and inputs (I) as indices of its two vectors: the per-cycle code
 * reads and assigns them through one slot table each instead of through one signal object (a
 * cache line) per register; 64 endpoints x 20 signal objects did not stay in the L1 cache.
 */
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
}

/** Trials drawn ahead after a packet is created (the rest, at low rates, one cycle's worth per cycle). */
const DRAW_AHEAD = 16;
const enum I {
  INJ_READY = 0,
  EJ_CTL = 1,
  EJ_CT = 2,
  EJ_IT = 3,
  EJ_AT = 4,
  WIN_START = 5,
  WIN_END = 6,
}

export interface EndpointOptions {
  pattern: PatternSpec;
  /** Offered load in packets per node per cycle (Bernoulli). */
  rate: number;
  /** Flits per packet. */
  packetSize: number;
  seed: number;
  vnet?: number;
}

/**
 * Traffic endpoint of one core node: a Bernoulli packet generator in front of the NI, and a
 * sink behind it that always accepts and accumulates latency statistics of the packets created
 * inside the measurement window [win_start, win_end) (inputs, shared by all endpoints).
 */
export class TrafficEndpoint extends Module {
  readonly ports: ClientPorts;
  readonly win_start: Bits;
  readonly win_end: Bits;
  // generator registers
  private readonly rng: Bits;
  private readonly qtime: Bits;
  private readonly gCtl: Bits;
  private readonly gData: Bits;
  private readonly gCt: Bits;
  private readonly gLeft: Bits;
  /** Packets created with ctime in the window. */
  readonly created: Bits;
  // sink registers
  /** Packets (tails) received that were created in the window. */
  readonly received: Bits;
  readonly platLo: Bits;
  readonly platHi: Bits;
  readonly nlatLo: Bits;
  readonly nlatHi: Bits;
  readonly hopSum: Bits;
  readonly platMin: Bits;
  readonly platMax: Bits;
  /** Flits ejected during the window (accepted throughput). */
  readonly accepted: Bits;
  private readonly headIt: Bits;
  private readonly due: Bits;
  /** Registers and inputs in R / I order. */
  private readonly rv: BitsVec;
  private readonly iv: BitsVec;
  private readonly threshold: number;
  private readonly dest: (src: number, rng: RandomSource) => number;
  /** Head ctl word of a new packet, per destination node (precomputed: no per-packet object). */
  private readonly headCtl: Uint32Array;
  private readonly packetSize: number;
  private readonly vnet: number;
  private readonly node: number;
  private t = 0;
  /** Draw source over the rng register (valid inside the clocked block only). */
  private readonly draw: RandomSource;
  private rngNext = 0;
  /** drawTrials' next trial cycle. */
  private qNext = 0;

  constructor(parent: Module, name: string, W: number, H: number, node: number, options: EndpointOptions) {
    super(parent, name);
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`injection rate ${options.rate} is not in [0, 1]`);
    if (!Number.isInteger(options.packetSize) || options.packetSize < 1 || options.packetSize > 1 << 16) {
      throw new RangeError(`packet size ${options.packetSize} is not 1..65536`);
    }
    this.node = node;
    this.threshold = Math.min(4294967296, Math.round(options.rate * 4294967296));
    this.dest = destinationFunction(options.pattern, W, H);
    this.packetSize = options.packetSize;
    this.vnet = options.vnet ?? 0;
    const vnet = this.vnet;
    const tail = options.packetSize === 1;
    this.headCtl = Uint32Array.from({ length: W * H }, (_, n) => makeCtl({ head: true, tail, dest: nodeCode(n % W, Math.floor(n / W)), vnet }));
    this.win_start = this.input("win_start", 32);
    this.win_end = this.input("win_end", 32);
    this.rng = this.reg("rng", 32, { init: mix32((options.seed * 0x9e3779b1 + node * 0x632be5ab) >>> 0) });
    this.qtime = this.reg("qtime", 32);
    this.gCtl = this.reg("g_ctl", 32);
    this.gData = this.reg("g_data", 32);
    this.gCt = this.reg("g_ct", 32);
    this.gLeft = this.reg("g_left", 17);
    this.created = this.reg("created", 32);
    this.received = this.reg("received", 32);
    this.platLo = this.reg("plat_lo", 32);
    this.platHi = this.reg("plat_hi", 32);
    this.nlatLo = this.reg("nlat_lo", 32);
    this.nlatHi = this.reg("nlat_hi", 32);
    this.hopSum = this.reg("hop_sum", 32);
    this.platMin = this.reg("plat_min", 32, { init: 0xffffffff });
    this.platMax = this.reg("plat_max", 32);
    this.accepted = this.reg("accepted", 32);
    this.headIt = this.reg("head_it", 32);
    this.due = this.reg("due", 32);
    this.ports = {
      inj_ctl: this.output("inj_ctl", 32),
      inj_data: this.output("inj_data", 32),
      inj_ct: this.output("inj_ct", 32),
      inj_ready: this.input("inj_ready", 1),
      ej_ctl: this.input("ej_ctl", 32),
      ej_src: this.input("ej_src", 32),
      ej_data: this.input("ej_data", 32),
      ej_ct: this.input("ej_ct", 32),
      ej_it: this.input("ej_it", 32),
      ej_at: this.input("ej_at", 32),
      ej_ready: 1,
    };
    this.connect(this.ports.inj_ctl, this.gCtl);
    this.connect(this.ports.inj_data, this.gData);
    this.connect(this.ports.inj_ct, this.gCt);
    this.rv = this.vec([
      this.rng, this.qtime, this.gCtl, this.gData, this.gCt, this.gLeft, this.created, this.received, this.platLo, this.platHi,
      this.nlatLo, this.nlatHi, this.hopSum, this.platMin, this.platMax, this.accepted, this.headIt, this.due,
    ]);
    const p = this.ports;
    this.iv = this.vec([p.inj_ready, p.ej_ctl, p.ej_ct, p.ej_it, p.ej_at, this.win_start, this.win_end]);
    const self = this;
    this.draw = {
      next(): number {
        self.rngNext = (self.rngNext + 0x9e3779b9) | 0;
        return mix32(self.rngNext);
      },
    };
    this.seq(this.tick);
  }

  private tick(): void {
    if (this.reset.value === 1) {
      this.t = 0;
      return;
    }
    const now = this.t++;
    this.generate(now);
    const ej = this.iv.get(I.EJ_CTL);
    if ((ej & Fl.VALID) !== 0) this.sink(ej);
  }

  private generate(now: number): void {
    const rv = this.rv;
    const ctl = rv.get(R.CTL);
    if ((ctl & Fl.VALID) !== 0) {
      if (this.iv.get(I.INJ_READY) === 0) return; // offered flit not taken: hold
      const left = rv.get(R.LEFT);
      if (left > 1) {
        // next flit of the same packet
        rv.setNext(R.CTL, (ctl & ~(Fl.HEAD | Fl.TAIL)) | (left === 2 ? Fl.TAIL : 0));
        rv.setNext(R.DATA, (rv.get(R.DATA) + 1) | 0);
        rv.setNext(R.LEFT, left - 1);
        return;
      }
    }
    // lazy Bernoulli process: the next packet is created in cycle due - 1 (see the file comment)
    const due = this.dueBy(now + 1);
    if (due === 0 || due - 1 > now + 1) {
      if ((ctl & Fl.VALID) !== 0) rv.setNext(R.CTL, 0);
      return;
    }
    const hit = due - 1;
    const d = this.dest(this.node, this.draw);
    rv.setNext(R.CTL, this.headCtl[d]!);
    rv.setNext(R.DATA, (this.node << 16) ^ hit);
    rv.setNext(R.CT, hit);
    rv.setNext(R.LEFT, this.packetSize);
    if (hit >= this.iv.get(I.WIN_START) && hit < this.iv.get(I.WIN_END)) rv.setNext(R.CREATED, rv.get(R.CREATED) + 1);
    // the next packet's trials, drawn ahead
    rv.setNext(R.DUE, this.drawTrials(this.rngNext, hit + 1, DRAW_AHEAD));
    rv.setNext(R.RNG, this.rngNext);
    rv.setNext(R.QTIME, this.qNext);
  }

  /**
   * The next packet's `due` (its creation cycle + 1), drawing the trials up to creation cycle
   * `last` if they are not drawn yet; 0 while none has succeeded (always, at rate 0). Leaves
   * the generator state after its successful trial in rngNext.
   */
  private dueBy(last: number): number {
    const rv = this.rv;
    const due = rv.get(R.DUE);
    this.rngNext = rv.get(R.RNG) | 0;
    if (due !== 0 || this.threshold === 0) return due;
    const q = rv.get(R.QTIME);
    const found = this.drawTrials(this.rngNext, q, last - q + 1);
    if (found === 0) {
      rv.setNext(R.RNG, this.rngNext);
      rv.setNext(R.QTIME, this.qNext);
    }
    return found;
  }

  /**
   * Draws up to `n` trials from generator state z for creation cycles q, q + 1, ...: returns
   * the successful one's cycle + 1, or 0; leaves the generator state in rngNext and the next
   * trial's cycle in qNext.
   */
  private drawTrials(z: number, q: number, n: number): number {
    const thr = this.threshold;
    let due = 0;
    for (let k = 0; k < n; k++) {
      z = (z + 0x9e3779b9) | 0;
      q++;
      if (mix32(z) < thr) {
        due = q;
        break;
      }
    }
    this.rngNext = z;
    this.qNext = q;
    return due;
  }

  private sink(ctl: number): void {
    const rv = this.rv;
    const iv = this.iv;
    const at = iv.get(I.EJ_AT);
    const ws = iv.get(I.WIN_START);
    const we = iv.get(I.WIN_END);
    if (at >= ws && at < we) rv.setNext(R.ACCEPTED, rv.get(R.ACCEPTED) + 1);
    if ((ctl & Fl.HEAD) !== 0) rv.setNext(R.HEAD_IT, iv.get(I.EJ_IT));
    if ((ctl & Fl.TAIL) === 0) return;
    const ct = iv.get(I.EJ_CT);
    if (ct < ws || ct >= we) return;
    const it = (ctl & Fl.HEAD) !== 0 ? iv.get(I.EJ_IT) : rv.get(R.HEAD_IT);
    const plat = at - ct;
    const nlat = at - it;
    rv.setNext(R.RECEIVED, rv.get(R.RECEIVED) + 1);
    const pl = rv.get(R.PLAT_LO) + plat;
    rv.setNext(R.PLAT_LO, pl);
    if (pl > 0xffffffff) rv.setNext(R.PLAT_HI, rv.get(R.PLAT_HI) + 1);
    const nl = rv.get(R.NLAT_LO) + nlat;
    rv.setNext(R.NLAT_LO, nl);
    if (nl > 0xffffffff) rv.setNext(R.NLAT_HI, rv.get(R.NLAT_HI) + 1);
    rv.setNext(R.HOPS, rv.get(R.HOPS) + ((ctl >>> Fl.HOPS_SHIFT) & Fl.HOPS_MASK));
    if (plat < rv.get(R.PLAT_MIN)) rv.setNext(R.PLAT_MIN, plat);
    if (plat > rv.get(R.PLAT_MAX)) rv.setNext(R.PLAT_MAX, plat);
  }
}

export interface TrafficMeshOptions extends EndpointOptions {
  width: number;
  height: number;
  router: MeshOptions["router"];
}

/** A mesh with a traffic endpoint on every core node (the sweep's and the benchmark's design). */
export class TrafficMesh extends Module {
  readonly mesh: Mesh;
  readonly endpoints: TrafficEndpoint[] = [];
  readonly win_start: Bits;
  readonly win_end: Bits;

  constructor(parent: Module | null, name: string, options: TrafficMeshOptions) {
    super(parent, name);
    this.win_start = this.input("win_start", 32);
    this.win_end = this.input("win_end", 32);
    const endpoints = this.endpoints;
    const m = new MeshWithWindow(this, "mesh", {
      width: options.width,
      height: options.height,
      router: options.router,
      client: (mesh, node) => {
        const mw = mesh as MeshWithWindow;
        const e = new TrafficEndpoint(mesh, `tg_${node.index}`, options.width, options.height, node.index, options);
        mw.join(e.win_start, mw.ws);
        mw.join(e.win_end, mw.we);
        endpoints.push(e);
        return e.ports;
      },
    });
    this.mesh = m;
    this.connect(m.ws, this.win_start);
    this.connect(m.we, this.win_end);
  }
}

/** Mesh with the measurement-window inputs the endpoints read. */
class MeshWithWindow extends Mesh {
  declare private _ws: Bits | undefined;
  declare private _we: Bits | undefined;
  get ws(): Bits {
    this._ws ??= this.input("win_start", 32);
    return this._ws;
  }
  get we(): Bits {
    this._we ??= this.input("win_end", 32);
    return this._we;
  }
}
