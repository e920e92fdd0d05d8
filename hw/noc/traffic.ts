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
 * at once (up to 16 of them) and the cycle of its successful trial is kept in `due`.
 * The draws come in the same order as one trial per cycle would take them (trials, then the
 * packet's destination, then the next packet's trials), so the packets are the same; a waiting
 * endpoint only compares `due` with the cycle, and its registers hold still.
 */
import { Module, RegisterBank, type Bits, type RegArray } from "../rtl/index.ts";
import { makeCtl, nodeCode } from "./flit.ts";
import { NOC_HEAP } from "./heap.ts";
import { mix32 } from "./random.ts";
import { Dest, TrafficFabric, type DestinationPlan } from "./traffic-fabric.ts";
import type { ClientPorts, MeshOptions } from "./mesh.ts";
import { Mesh } from "./mesh.ts";

export { mix32 };

export const PATTERNS = ["uniform", "transpose", "bitcomp", "bitrev", "shuffle", "tornado", "neighbor", "hotspot"] as const;
export type PatternName = (typeof PATTERNS)[number];

export interface PatternSpec {
  name: PatternName;
  /** Hotspot destinations (node indices) and their relative weights (default [0], [1]). */
  hotspots?: readonly number[];
  hotspotRates?: readonly number[];
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
      const { hs, cum } = hotspotShares(spec, N);
      return (_s, r) => {
        if (hs.length === 1) return hs[0]!;
        const u = r.next() / 4294967296;
        for (let i = 0; i < hs.length; i++) if (u < cum[i]!) return hs[i]!;
        return hs[hs.length - 1]!;
      };
    }
  }
}

/** Hotspot nodes and their cumulative shares of the traffic (the last is 1). */
function hotspotShares(spec: PatternSpec, N: number): { hs: readonly number[]; cum: number[] } {
  const hs = spec.hotspots ?? [0];
  const rates = spec.hotspotRates ?? hs.map(() => 1);
  if (hs.length === 0 || rates.length !== hs.length) throw new RangeError("hotspot: give as many rates as hotspots");
  for (const h of hs) if (!(Number.isInteger(h) && h >= 0 && h < N)) throw new RangeError(`hotspot node ${h} is not in 0..${N - 1}`);
  for (const r of rates) if (!(Number.isFinite(r) && r >= 0)) throw new RangeError(`hotspot rate ${r} is not a non-negative number`);
  const total = rates.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new RangeError("hotspot: the rates add up to 0");
  return { hs, cum: rates.map((_, i) => rates.slice(0, i + 1).reduce((a, b) => a + b, 0) / total) };
}

/**
 * A pattern as the compiled endpoints follow it (traffic-fabric.ts): the same destinations as
 * `destinationFunction`, from the same draws (test/noc/traffic-endpoint.test.ts checks the
 * packets this gives against destinationFunction's).
 */
export function destinationPlan(spec: PatternSpec, W: number, H: number): DestinationPlan {
  const N = W * H;
  if (spec.name === "uniform") return { kind: Dest.UNIFORM, nodes: [], limits: [] };
  const { hs, cum } = spec.name === "hotspot" ? hotspotShares(spec, N) : { hs: [], cum: [] };
  if (hs.length > 1) {
    // u = r / 2^32 < cum  <=>  r <= ceil(cum * 2^32) - 1 (scaling by 2^32 is exact); a hotspot
    // of rate 0 is never picked (its cum equals the one before), so it is left out: its limit
    // would be below every draw's
    const kept = hs.map((_, i) => i).filter((i) => cum[i]! > (i === 0 ? 0 : cum[i - 1]!));
    const limits = kept.map((i) => Math.min(4294967295, Math.ceil(cum[i]! * 4294967296) - 1));
    return { kind: Dest.HOTSPOTS, nodes: kept.map((i) => hs[i]!), limits };
  }
  const dest = destinationFunction(spec, W, H);
  const noDraw: RandomSource = {
    next(): number {
      throw new Error(`pattern ${spec.name}: a fixed destination drew a random number`);
    },
  };
  return { kind: Dest.TABLE, nodes: Array.from({ length: N }, (_, s) => dest(s, noDraw)), limits: [] };
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
 *
 * This module is the endpoint's interface: its ports and registers. The registers sit in the
 * TrafficMesh's endpoint bank, and its TrafficFabric steps every endpoint in one clocked block
 * (traffic-fabric.ts: the generator and the sink).
 */
export class TrafficEndpoint extends Module {
  readonly ports: ClientPorts;
  readonly win_start: Bits;
  readonly win_end: Bits;
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
  /** The first of its registers in the bank (they follow in traffic-fabric.ts R order). */
  readonly firstRegister: RegArray;
  /** Its inputs in the fabric's gathering order (traffic-fabric.ts I). */
  readonly inputWords: readonly Bits[];

  constructor(parent: Module, name: string, fabric: TrafficFabric, index: number, node: number, seed: number, bank: RegisterBank) {
    super(parent, name);
    this.win_start = this.input("win_start", 32);
    this.win_end = this.input("win_end", 32);
    // the registers, in R order (one array each, so each keeps its name in waveforms)
    const reg = (n: string, width: number, init = 0): Bits => this.regArray(n, 1, width, { init, resettable: true, bank }).entries[0]!;
    const rng = reg("rng", 32, mix32((seed * 0x9e3779b1 + node * 0x632be5ab) >>> 0));
    reg("qtime", 32);
    const gCtl = reg("g_ctl", 32);
    const gData = reg("g_data", 32);
    const gCt = reg("g_ct", 32);
    reg("g_left", 17);
    this.created = reg("created", 32);
    this.received = reg("received", 32);
    this.platLo = reg("plat_lo", 32);
    this.platHi = reg("plat_hi", 32);
    this.nlatLo = reg("nlat_lo", 32);
    this.nlatHi = reg("nlat_hi", 32);
    this.hopSum = reg("hop_sum", 32);
    this.platMin = reg("plat_min", 32, 0xffffffff);
    this.platMax = reg("plat_max", 32);
    this.accepted = reg("accepted", 32);
    reg("head_it", 32);
    reg("due", 32);
    this.firstRegister = this.regArrays.find((a) => a.entries[0] === rng)!;
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
    this.connect(this.ports.inj_ctl, gCtl);
    this.connect(this.ports.inj_data, gData);
    this.connect(this.ports.inj_ct, gCt);
    const p = this.ports;
    this.inputWords = [p.inj_ready, p.ej_ctl, p.ej_ct, p.ej_it, p.ej_at];
    fabric.attach(index, node);
    // no clocked block of its own: the TrafficMesh steps every endpoint in one block
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
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`injection rate ${options.rate} is not in [0, 1]`);
    if (!Number.isInteger(options.packetSize) || options.packetSize < 1 || options.packetSize > 1 << 16) {
      throw new RangeError(`packet size ${options.packetSize} is not 1..65536`);
    }
    const W = options.width;
    const H = options.height;
    this.win_start = this.input("win_start", 32);
    this.win_end = this.input("win_end", 32);
    const vnet = options.vnet ?? 0;
    const tail = options.packetSize === 1;
    const fabric = new TrafficFabric({
      count: W * H,
      nodes: W * H,
      threshold: Math.min(4294967296, Math.round(options.rate * 4294967296)),
      packetSize: options.packetSize,
      plan: destinationPlan(options.pattern, W, H),
      headCtl: Array.from({ length: W * H }, (_, n) => makeCtl({ head: true, tail, dest: nodeCode(n % W, Math.floor(n / W)), vnet })),
      engine: options.router.engine ?? "wasm",
    });
    // every endpoint's registers in one bank whose next values live in the fabric's memory
    // (with a copy of their current values there too: the NIs read the endpoints' outputs in it)
    const bank = new RegisterBank(`${this.path}.endpoints`, { nextStore: (words) => NOC_HEAP.takeWords(fabric, words), currentCopy: NOC_HEAP.currentCopy(fabric) });
    const endpoints = this.endpoints;
    const m = new MeshWithWindow(this, "mesh", {
      width: W,
      height: H,
      router: options.router,
      client: (mesh, node) => {
        const mw = mesh as MeshWithWindow;
        const e = new TrafficEndpoint(mesh, `tg_${node.index}`, fabric, endpoints.length, node.index, options.seed, bank);
        mw.join(e.win_start, mw.ws);
        mw.join(e.win_end, mw.we);
        endpoints.push(e);
        return e.ports;
      },
    });
    this.mesh = m;
    this.connect(m.ws, this.win_start);
    this.connect(m.we, this.win_end);
    const first = endpoints[0]!;
    fabric.bind(bank, endpoints.map((e) => e.firstRegister), this.vec([first.win_start, first.win_end, ...endpoints.flatMap((e) => e.inputWords)]));
    this.seq(() => {
      if (this.reset.value === 1) fabric.resetAll();
      else fabric.stepAll();
    }, "endpoints");
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
