/**
 * W x H mesh of routers with a network interface per node, optional NIs on the edge ports
 * (where SRAM slices and memory controllers attach), one or more independent networks
 * (e.g. memory and register traffic), and client modules attached by a factory or exposed as
 * ports of the mesh.
 *
 * Nodes: core node n = y * W + x (0-based grid coordinates; BookSim2's numbering), then, when
 * `edgeNodes` is set, the edge ports: west (rows 0..H-1), east (rows), north (columns),
 * south (columns). A node's address is its encoded coordinates (flit.ts): core (x+1, y+1),
 * west edge (0, y+1), east (W+1, y+1), north (x+1, 0), south (x+1, H+1).
 */
import { Module, RegisterBank, type Bits } from "../rtl/index.ts";
import { codeOf } from "./flit.ts";
import { NetworkInterface } from "./ni.ts";
import { NOC_HEAP as HEAP } from "./heap.ts";
import { NiFabric } from "./ni-fabric.ts";
import { checkRouterParams, type RouterParams } from "./params.ts";
import { NPORTS, PORT_E, PORT_L, PORT_N, PORT_S, PORT_W, Router, RouterFabric, type LinkOut } from "./router.ts";

export interface NodeInfo {
  /** Index in `Mesh.nodes`. */
  index: number;
  /** Network (plane) index. */
  net: number;
  /** Encoded address. */
  code: number;
  kind: "core" | "edge";
  /** For edge nodes: the side of the mesh. */
  side?: "w" | "e" | "n" | "s";
  /** Grid coordinates of the router the node attaches to. */
  x: number;
  y: number;
}

/** The client side of a network interface, as seen by the client (its outputs drive the NI). */
export interface ClientPorts {
  inj_ctl: Bits;
  inj_data: Bits;
  inj_ct: Bits;
  /** Input of the client, driven by the NI. */
  inj_ready: Bits;
  ej_ctl: Bits;
  ej_src: Bits;
  ej_data: Bits;
  ej_ct: Bits;
  ej_it: Bits;
  ej_at: Bits;
  /** Output of the client (or a constant 1: always ready). */
  ej_ready: Bits | 1;
}

export interface MeshOptions {
  width: number;
  height: number;
  router: RouterParams;
  /** Independent networks (planes), each with its own routers and NIs. Default 1. */
  networks?: number;
  /** Attach a network interface to every edge port (default false: edge inputs tied off). */
  edgeNodes?: boolean;
  /**
   * Builds the client of a node as a child of the mesh and returns its ports, which the mesh
   * connects to the node's NI. Without it, the NI client ports are ports of the mesh
   * (`n<net>_<node>_inj_ctl`, ...).
   */
  client?: (mesh: Mesh, node: NodeInfo) => ClientPorts;
}

/** NI client ports re-exported by the mesh (testbench view), per node: `ej_ready` is a real port. */
export type ExposedPorts = Omit<ClientPorts, "ej_ready"> & { ej_ready: Bits };

export class Mesh extends Module {
  readonly width: number;
  readonly height: number;
  readonly params: RouterParams;
  readonly networks: number;
  /** routers[net][y * W + x] */
  readonly routers: Router[][] = [];
  /** nis[net][node index] */
  readonly nis: NetworkInterface[][] = [];
  /** Nodes of network 0 (the same list for every network, with `net` 0). */
  readonly nodes: NodeInfo[] = [];
  /** Exposed client ports per network and node (when no client factory is given). */
  readonly ports: ExposedPorts[][] = [];

  constructor(parent: Module | null, name: string, options: MeshOptions) {
    super(parent, name);
    const W = (this.width = options.width);
    const H = (this.height = options.height);
    if (!Number.isInteger(W) || !Number.isInteger(H) || W < 1 || H < 1 || W > 30 || H > 30) {
      throw new RangeError(`mesh ${W}x${H}: width and height must be 1..30`);
    }
    checkRouterParams(options.router);
    this.params = options.router;
    this.networks = options.networks ?? 1;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) this.nodes.push({ index: y * W + x, net: 0, code: codeOf(x + 1, y + 1), kind: "core", x, y });
    if (options.edgeNodes === true) {
      const add = (side: "w" | "e" | "n" | "s", x: number, y: number, code: number): void => {
        this.nodes.push({ index: this.nodes.length, net: 0, code, kind: "edge", side, x, y });
      };
      for (let y = 0; y < H; y++) add("w", 0, y, codeOf(0, y + 1));
      for (let y = 0; y < H; y++) add("e", W - 1, y, codeOf(W + 1, y + 1));
      for (let x = 0; x < W; x++) add("n", x, 0, codeOf(x + 1, 0));
      for (let x = 0; x < W; x++) add("s", x, H - 1, codeOf(x + 1, H + 1));
    }
    for (let k = 0; k < this.networks; k++) this.buildNetwork(k, options);
  }

  private buildNetwork(k: number, options: MeshOptions): void {
    const W = this.width;
    const H = this.height;
    const pre = this.networks === 1 ? "" : `n${k}_`;
    const fabric = new RouterFabric(this.params, W * H, W);
    const niFabric = new NiFabric(this.params, this.nodes.length);
    // every link register of the plane (router and NI outputs) in one bank whose next values
    // live in the fabric's memory: the compiled routers read and write them there
    const bank = new RegisterBank(`${this.path}.${pre}links`, { nextStore: (words) => HEAP.takeWords(fabric, words), beforeLatch: () => fabric.finishCycle() });
    // and the NIs' client-side registers in another (ni-fabric.ts)
    // (which keeps a copy of its current values in the heap: the clients' fabric reads them there)
    const clientBank = new RegisterBank(`${this.path}.${pre}ni_regs`, { nextStore: (words) => HEAP.takeWords(niFabric, words), currentCopy: HEAP.currentCopy(niFabric) });
    const rs: Router[] = [];
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rs.push(new Router(this, `${pre}r_${x}_${y}`, fabric, y * W + x, x + 1, y + 1, bank));
    // one clocked block steps every router and NI of the plane (each reads only registered
    // inputs and writes only its own outputs, so this is the same as a block per router or NI,
    // in one call); the NIs while the second thread, if any, steps routers
    this.seq(() => {
      if (this.reset.value === 1) {
        fabric.resetAll();
        niFabric.resetAll();
      } else {
        fabric.stepAll();
        niFabric.stepAll();
      }
    }, `${pre}network`);
    this.routers.push(rs);
    const at = (x: number, y: number): Router => rs[y * W + x]!;
    const used = rs.map(() => new Uint8Array(NPORTS));
    const link = (a: Router, pa: number, b: Router, pb: number): void => {
      this.wire2(a.out[pa]!, b.inp[pb]!);
      this.connect(b.crIn[pb]!, a.crOut[pa]!);
    };
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (x + 1 < W) {
          link(at(x, y), PORT_E, at(x + 1, y), PORT_W);
          link(at(x + 1, y), PORT_W, at(x, y), PORT_E);
          used[y * W + x]![PORT_E] = 1;
          used[y * W + x + 1]![PORT_W] = 1;
        }
        if (y + 1 < H) {
          link(at(x, y), PORT_S, at(x, y + 1), PORT_N);
          link(at(x, y + 1), PORT_N, at(x, y), PORT_S);
          used[y * W + x]![PORT_S] = 1;
          used[(y + 1) * W + x]![PORT_N] = 1;
        }
      }
    }
    // while the plane is idle, only a valid flit or a credit can wake it: its ctl and credit words
    fabric.bindWakeInputs(this.vec(rs.flatMap((r) => r.inputWords.filter((_, k) => k >= 25 || k % 5 === 0))));
    const nis: NetworkInterface[] = [];
    const ports: ExposedPorts[] = [];
    for (const node0 of this.nodes) {
      const node: NodeInfo = { ...node0, net: k };
      const r = at(node.x, node.y);
      const port = node.kind === "core" ? PORT_L : { w: PORT_W, e: PORT_E, n: PORT_N, s: PORT_S }[node.side!];
      used[node.y * W + node.x]![port] = 1;
      const ni = new NetworkInterface(this, `${pre}ni_${node.index}`, niFabric, node.index, node.code, bank, clientBank);
      nis.push(ni);
      this.wire2(ni.netOut, r.inp[port]!);
      this.wire2(r.out[port]!, ni.netIn);
      this.connect(ni.netCrIn, r.crOut[port]!);
      this.connect(r.crIn[port]!, ni.netCrOut);
      if (options.client) {
        const c = options.client(this, node);
        this.connect(ni.inj_ctl, c.inj_ctl);
        this.connect(ni.inj_data, c.inj_data);
        this.connect(ni.inj_ct, c.inj_ct);
        this.connect(c.inj_ready, ni.inj_ready);
        this.connect(c.ej_ctl, ni.ej_ctl);
        this.connect(c.ej_src, ni.ej_src);
        this.connect(c.ej_data, ni.ej_data);
        this.connect(c.ej_ct, ni.ej_ct);
        this.connect(c.ej_it, ni.ej_it);
        this.connect(c.ej_at, ni.ej_at);
        if (c.ej_ready === 1) this.connect(ni.ej_ready, 1);
        else this.connect(ni.ej_ready, c.ej_ready);
      } else {
        const p = `${pre}node${node.index}_`;
        const e: ExposedPorts = {
          inj_ctl: this.input(`${p}inj_ctl`, 32),
          inj_data: this.input(`${p}inj_data`, 32),
          inj_ct: this.input(`${p}inj_ct`, 32),
          inj_ready: this.output(`${p}inj_ready`, 1),
          ej_ctl: this.output(`${p}ej_ctl`, 32),
          ej_src: this.output(`${p}ej_src`, 32),
          ej_data: this.output(`${p}ej_data`, 32),
          ej_ct: this.output(`${p}ej_ct`, 32),
          ej_it: this.output(`${p}ej_it`, 32),
          ej_at: this.output(`${p}ej_at`, 32),
          ej_ready: this.input(`${p}ej_ready`, 1),
        };
        this.connect(ni.inj_ctl, e.inj_ctl);
        this.connect(ni.inj_data, e.inj_data);
        this.connect(ni.inj_ct, e.inj_ct);
        this.connect(e.inj_ready, ni.inj_ready);
        this.connect(e.ej_ctl, ni.ej_ctl);
        this.connect(e.ej_src, ni.ej_src);
        this.connect(e.ej_data, ni.ej_data);
        this.connect(e.ej_ct, ni.ej_ct);
        this.connect(e.ej_it, ni.ej_it);
        this.connect(e.ej_at, ni.ej_at);
        this.connect(ni.ej_ready, e.ej_ready);
        ports.push(e);
      }
    }
    this.nis.push(nis);
    this.ports.push(ports);
    fabric.useLinks(bank, Uint8Array.from(used.flatMap((u) => Array.from(u))));
    niFabric.useBanks(bank, (b) => fabric.linkCopyIndex(b), clientBank);
    niFabric.bindClientInputs(
      this.vec(nis.flatMap((ni) => ni.clientWords)),
      this.vec(nis.flatMap((ni) => [ni.netIn.ctl, ni.netCrIn, ni.inj_ctl])),
    );
    // tie off unused edge ports
    for (let i = 0; i < rs.length; i++) {
      for (let p = 0; p < NPORTS; p++) {
        if (used[i]![p]) continue;
        const r = rs[i]!;
        for (const w of ["ctl", "src", "data", "ct", "it"] as const) this.connect(r.inp[p]![w], 0);
        this.connect(r.crIn[p]!, 0);
      }
    }
  }

  private wire2(from: LinkOut, to: LinkOut): void {
    this.connect(to.ctl, from.ctl);
    this.connect(to.src, from.src);
    this.connect(to.data, from.data);
    this.connect(to.ct, from.ct);
    this.connect(to.it, from.it);
  }

  /** Lets a client factory connect signals of modules it created inside the mesh. */
  join(sink: Bits, source: Bits | number): void {
    this.connect(sink, source);
  }

  /** Index of the node with address `code`, or -1. */
  nodeOf(code: number): number {
    return this.nodes.findIndex((n) => n.code === code);
  }

  /**
   * Checks credit conservation on every link and VC: credits in use upstream equal the flits
   * downstream, in the upstream crossbar, on the link and credits on their way back.
   * Returns the first violation, or null. (Testbench helper: reads internal state.)
   */
  auditCredits(): string | null {
    const V = this.params.vcs;
    const B = this.params.bufDepth;
    const vcOf = (ctl: number, vc: number): number => ((ctl & 1) !== 0 && ((ctl >>> 3) & 31) === vc ? 1 : 0);
    const crOf = (cr: number, vc: number): number => ((cr & 1) !== 0 && cr >>> 1 === vc ? 1 : 0);
    const W = this.width;
    for (let k = 0; k < this.networks; k++) {
      const rs = this.routers[k]!;
      // router -> router links
      for (let i = 0; i < rs.length; i++) {
        const u = rs[i]!;
        const x = i % W;
        const y = (i - x) / W;
        const nbrs: [number, Router | undefined, number][] = [
          [PORT_E, x + 1 < W ? rs[i + 1] : undefined, PORT_W],
          [PORT_W, x > 0 ? rs[i - 1] : undefined, PORT_E],
          [PORT_S, y + 1 < this.height ? rs[i + W] : undefined, PORT_N],
          [PORT_N, y > 0 ? rs[i - W] : undefined, PORT_S],
        ];
        for (const [o, d, p] of nbrs) {
          if (d === undefined) continue;
          for (let v = 0; v < V; v++) {
            const occ = u.occupancy(o, v);
            const seen = d.buffered(p, v) + u.inCrossbar(o, v) + vcOf(u.out[o]!.ctl.value, v) + crOf(d.crOut[p]!.value, v) + u.creditsPending(o, v);
            if (occ !== seen || occ > B) return `${u.path} output ${o} VC ${v}: ${occ} credits in use, ${seen} flits/credits accounted`;
          }
        }
      }
      // NI <-> router
      for (let n = 0; n < this.nodes.length; n++) {
        const node = this.nodes[n]!;
        const ni = this.nis[k]![n]!;
        const r = rs[node.y * W + node.x]!;
        const port = node.kind === "core" ? PORT_L : { w: PORT_W, e: PORT_E, n: PORT_N, s: PORT_S }[node.side!];
        for (let v = 0; v < V; v++) {
          const a = ni.occupancy(v);
          const sa = r.buffered(port, v) + vcOf(ni.netOut.ctl.value, v) + crOf(r.crOut[port]!.value, v) + ni.creditsPending(v);
          if (a !== sa || a > B) return `${ni.path} VC ${v}: ${a} credits in use, ${sa} accounted`;
          const b = r.occupancy(port, v);
          const sb = ni.buffered(v) + r.inCrossbar(port, v) + vcOf(r.out[port]!.ctl.value, v) + crOf(ni.netCrOut.value, v) + r.creditsPending(port, v);
          if (b !== sb || b > B) return `${r.path} output ${port} VC ${v}: ${b} credits in use, ${sb} accounted`;
        }
      }
    }
    return null;
  }

  /** First protocol error recorded by a router or NI, or null. */
  firstError(): string | null {
    for (const rs of this.routers) for (const r of rs) if (r.error !== "") return r.error;
    for (const ns of this.nis) for (const n of ns) if (n.error !== "") return n.error;
    return null;
  }

  /** Flits held anywhere in the network (buffers, crossbars, NIs). */
  flitsInNetwork(): number {
    let n = 0;
    for (const rs of this.routers) for (const r of rs) n += r.flitsHeld;
    for (const ns of this.nis) for (const x of ns) n += x.flitsHeld;
    return n;
  }
}
