/** Testbench for the NoC: drives every NI of a Mesh through its exposed client ports. */
import { Simulator } from "../../hw/rtl/index.ts";
import { F_HEAD, F_TAIL, F_VALID, makeCtl } from "../../hw/noc/flit.ts";
import { Mesh, type MeshOptions } from "../../hw/noc/mesh.ts";
import { Rng } from "../../verif/random/rng.ts";

export interface Packet {
  src: number;
  dst: number;
  vnet: number;
  len: number;
  /** Per (src, dst, vnet) sequence number. */
  seq: number;
  mcast?: { axis: "x" | "y"; end: number; targets: number[] };
}

export function flitData(p: Packet, j: number): number {
  return (Math.imul(p.src + 1, 0x9e3779b1) ^ Math.imul(p.seq + 7, 0x85ebca6b) ^ Math.imul(j + 3, 0xc2b2ae35)) >>> 0;
}

interface Received {
  packet: Packet | undefined;
  flits: number;
}

export class NocTb {
  readonly mesh: Mesh;
  readonly sim: Simulator;
  readonly nodes: number;
  private readonly queues: Packet[][] = [];
  private readonly cur: { p: Packet; j: number }[] = [];
  private readonly presenting: boolean[] = [];
  /** expected[dst] : packets keyed by `${src}:${vnet}` in order. */
  private readonly expected = new Map<string, Packet[]>();
  private readonly rx: Received[] = [];
  private readonly seqs = new Map<string, number>();
  delivered = 0;
  sent = 0;
  /** Probability that a node's ejection port is stalled in a cycle (per node). */
  stall: number[];
  auditEveryCycle = true;
  readonly rng: Rng;

  constructor(options: MeshOptions, seed = 1) {
    this.mesh = new Mesh(null, "noc", options);
    this.sim = new Simulator(this.mesh);
    this.sim.reset();
    this.nodes = this.mesh.nodes.length;
    this.rng = new Rng(seed);
    this.stall = new Array(this.nodes).fill(0);
    for (let n = 0; n < this.nodes; n++) {
      this.queues.push([]);
      this.presenting.push(false);
      this.rx.push({ packet: undefined, flits: 0 });
    }
    this.cur.length = this.nodes;
  }

  get ports() {
    return this.mesh.ports[0]!;
  }

  /** Queues a unicast packet. */
  send(src: number, dst: number, len: number, vnet = 0): Packet {
    const key = `${src}>${dst}:${vnet}`;
    const seq = this.seqs.get(key) ?? 0;
    this.seqs.set(key, seq + 1);
    const p: Packet = { src, dst, vnet, len, seq };
    this.queues[src]!.push(p);
    this.expect(dst, p);
    return p;
  }

  /** Queues a multicast along a row/column segment from node `first` to encoded coordinate `end`. */
  multicast(src: number, first: number, axis: "x" | "y", end: number, targets: number[], len: number, vnet = 0): Packet {
    const key = `${src}>mc:${vnet}`;
    const seq = this.seqs.get(key) ?? 0;
    this.seqs.set(key, seq + 1);
    const p: Packet = { src, dst: first, vnet, len, seq, mcast: { axis, end, targets } };
    this.queues[src]!.push(p);
    for (const t of targets) this.expect(t, p);
    return p;
  }

  private expect(dst: number, p: Packet): void {
    const k = `${dst}<${p.src}:${p.vnet}`;
    const l = this.expected.get(k);
    if (l) l.push(p);
    else this.expected.set(k, [p]);
    this.sent++;
  }

  get outstanding(): number {
    let n = 0;
    for (const l of this.expected.values()) n += l.length;
    return n;
  }

  private ctlOf(p: Packet, j: number): number {
    return makeCtl({
      head: j === 0,
      tail: j === p.len - 1,
      vnet: p.vnet,
      dest: this.mesh.nodes[p.dst]!.code,
      mcast: p.mcast ? { axis: p.mcast.axis, end: p.mcast.end } : undefined,
    });
  }

  /** One cycle: offer flits, take ejected flits, step, audit. */
  cycle(): void {
    const sim = this.sim;
    const ports = this.ports;
    const consumed: number[] = [];
    for (let n = 0; n < this.nodes; n++) {
      const e = ports[n]!;
      if (this.presenting[n] && sim.peek(e.inj_ready) === 1) consumed.push(n);
      const ready = this.stall[n]! > 0 && this.rng.bool(this.stall[n]!) ? 0 : 1;
      sim.poke(e.ej_ready, ready);
      const ctl = sim.peek(e.ej_ctl);
      if ((ctl & F_VALID) !== 0 && ready === 1) this.receive(n, ctl);
    }
    sim.step(1);
    for (const n of consumed) {
      const c = this.cur[n]!;
      c.j++;
      this.presenting[n] = false;
      if (c.j >= c.p.len) this.cur[n] = undefined as never;
    }
    for (let n = 0; n < this.nodes; n++) {
      if (this.presenting[n]) continue;
      let c = this.cur[n];
      if (c === undefined) {
        const p = this.queues[n]!.shift();
        if (p === undefined) {
          sim.poke(ports[n]!.inj_ctl, 0);
          continue;
        }
        c = this.cur[n] = { p, j: 0 };
      }
      sim.poke(ports[n]!.inj_ctl, this.ctlOf(c.p, c.j));
      sim.poke(ports[n]!.inj_data, flitData(c.p, c.j));
      sim.poke(ports[n]!.inj_ct, 0);
      this.presenting[n] = true;
    }
    const err = this.mesh.firstError();
    if (err) throw new Error(err);
    if (this.auditEveryCycle) {
      const a = this.mesh.auditCredits();
      if (a) throw new Error(`cycle ${sim.cycle}: credits not conserved: ${a}`);
    }
  }

  private receive(n: number, ctl: number): void {
    const sim = this.sim;
    const e = this.ports[n]!;
    const src = sim.peek(e.ej_src) & 1023;
    const data = sim.peek(e.ej_data);
    const r = this.rx[n]!;
    if ((ctl & F_HEAD) !== 0) {
      if (r.packet !== undefined) throw new Error(`node ${n}: head while a packet is in progress`);
      const srcNode = this.mesh.nodeOf(src);
      const vnet = (ctl >>> 8) & 3;
      const l = this.expected.get(`${n}<${srcNode}:${vnet}`);
      if (!l || l.length === 0) throw new Error(`node ${n}: unexpected packet from ${srcNode} vnet ${vnet}`);
      r.packet = l.shift()!;
      r.flits = 0;
    }
    const p = r.packet;
    if (p === undefined) throw new Error(`node ${n}: body flit without head`);
    const want = flitData(p, r.flits);
    if (data !== want) throw new Error(`node ${n}: packet ${p.src}>${p.dst} #${p.seq} flit ${r.flits}: data ${data} != ${want} (out of order or corrupted)`);
    const last = r.flits === p.len - 1;
    if (((ctl & F_TAIL) !== 0) !== last) throw new Error(`node ${n}: tail flag wrong at flit ${r.flits} of ${p.len}`);
    r.flits++;
    if (last) {
      r.packet = undefined;
      this.delivered++;
    }
  }

  /** Runs until everything queued is delivered; returns cycles. */
  drain(limit: number): number {
    let c = 0;
    while (this.outstanding > 0 || this.queues.some((q) => q.length > 0) || this.rx.some((r) => r.packet !== undefined)) {
      if (c++ >= limit) throw new Error(`not drained after ${limit} cycles: ${this.outstanding} packets outstanding, ${this.mesh.flitsInNetwork()} flits in the network`);
      this.cycle();
    }
    return c;
  }
}
