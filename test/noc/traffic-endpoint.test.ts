/**
 * The traffic endpoint's packets against the definition of its source: per node, one Bernoulli
 * trial per creation cycle 0, 1, 2, ... on a Weyl sequence through mix32 (success: the draw is
 * below rate * 2^32), and after each success one draw for the uniform destination. The source
 * queue is unbounded and lazy, so a packet's creation cycle and destination do not depend on
 * how long it waits: at a low rate and past saturation alike, the packets delivered from each
 * source are those of the sequence worked out here, all of them but the last few (in flight).
 */
import { expect } from "chai";
import { buildExperiment } from "../../hw/noc/experiment.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";
import { destinationFunction, mix32, type PatternSpec } from "../../hw/noc/traffic.ts";

const W = 4;
const H = 4;
const N = W * H;
const CYCLES = 1500;
/** Packets created this many cycles before the end must have arrived (an unloaded 4x4 mesh delivers in under 30). */
const LATEST = 100;

const UNIFORM: PatternSpec = { name: "uniform" };

/**
 * The first `count` packets of node `node` as "creation cycle -> destination", from the
 * definition: uniform written out here, the other patterns by traffic.ts's destinationFunction
 * (the endpoints follow a compiled plan of it), drawing from the same sequence.
 */
function definedPackets(seed: number, node: number, rate: number, count: number, pattern: PatternSpec): string[] {
  const thr = Math.round(rate * 4294967296);
  let z = mix32((seed * 0x9e3779b1 + node * 0x632be5ab) >>> 0) | 0;
  const draw = (): number => {
    z = (z + 0x9e3779b9) | 0;
    return mix32(z);
  };
  const dest = pattern.name === "uniform" ? () => Math.floor((draw() / 4294967296) * N) : (s: number) => destinationFunction(pattern, W, H)(s, { next: draw });
  const out: string[] = [];
  for (let cycle = 0; out.length < count; cycle++) {
    if (draw() >= thr) continue;
    out.push(`${cycle} -> ${dest(node)}`);
  }
  return out;
}

/** Packets delivered in `cycles` cycles, per source node, as "creation cycle -> destination" in creation order. */
function deliveredPackets(seed: number, rate: number, cycles: number, pattern: PatternSpec): string[][] {
  const { top, sim } = buildExperiment({
    width: W, height: H, router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 4 }, pattern, rate,
    packetSize: 1, seed, warmup: 0, measure: cycles,
  });
  const bySource: [number, string][][] = Array.from({ length: N }, () => []);
  sim.onCycle(() => {
    top.endpoints.forEach((e, dest) => {
      const p = e.ports;
      if ((p.ej_ctl.value & 1) === 0) return;
      const ct = p.ej_ct.value;
      const src = ((p.ej_data.value ^ ct) >>> 16) & 0xffff;
      bySource[src]!.push([ct, `${ct} -> ${dest}`]);
    });
  });
  sim.step(cycles);
  return bySource.map((list) => list.sort((a, b) => a[0] - b[0]).map(([, s]) => s));
}

describe("noc: traffic endpoints create the packets their lazy Bernoulli source defines", function () {
  this.timeout(60000);
  // inFlight: packets of one source that may still be in the network or its source queue at the end
  for (const [rate, inFlight, pattern, what] of [
    [0.02, 0, UNIFORM, "low rate (most trials fail: the trials drawn ahead run out)"],
    [0.9, 24, UNIFORM, "past saturation (packets wait in the source queue)"],
    [0.05, 0, { name: "transpose" }, "a permutation (a fixed destination per source)"],
    [0.05, 0, { name: "tornado" }, "a permutation (a fixed destination per source)"],
    // node 12 takes 5/8 of all packets: they queue there, a few still in flight at the end
    [0.05, 8, { name: "hotspot", hotspots: [3, 9, 12], hotspotRates: [1, 2, 5] }, "three hotspots (one draw per packet against their shares)"],
    [0.05, 0, { name: "hotspot", hotspots: [6] }, "one hotspot (no draw)"],
    [0.03, 0, { name: "hotspot", hotspots: [2, 6, 11], hotspotRates: [0, 1, 0] }, "hotspots of rate 0 (never picked; a draw per packet)"],
  ] as const) {
    it(`${what}, ${pattern.name}, rate ${rate}`, () => {
      const seed = 5;
      const bySource = deliveredPackets(seed, rate, CYCLES, pattern);
      for (let node = 0; node < N; node++) {
        const got = bySource[node]!;
        expect(got.length, `node ${node}: packets delivered`).to.be.greaterThan(rate < 0.1 ? 15 : 100);
        const defined = definedPackets(seed, node, rate, got.length + inFlight, pattern);
        const delivered = new Set(got);
        expect(delivered.size, `node ${node}: each packet delivered once`).to.equal(got.length);
        for (const p of got) expect(defined, `node ${node}: delivered packet ${p}`).to.include(p);
        const due = defined.slice(0, got.length - inFlight).filter((p) => Number(p.split(" ")[0]) < CYCLES - LATEST);
        expect(due.length, `node ${node}: packets that must have arrived`).to.be.greaterThan(rate < 0.1 ? 15 : 80);
        for (const p of due) expect(delivered.has(p), `node ${node}: packet ${p} delivered`).to.equal(true);
      }
    });
  }
});

describe("noc: the traffic sink's 64-bit latency sums carry into their high words", () => {
  for (const engine of ["wasm", "js"] as const) {
    it(`packet and network latency sums across 2^32 (${engine} engine)`, () => {
      const { top, sim } = buildExperiment({
        width: W, height: H, router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 4, engine }, pattern: UNIFORM, rate: 0.2,
        packetSize: 1, seed: 3, warmup: 0, measure: 1 << 20,
      });
      const e = top.endpoints[5]!;
      const start = 0xffffff00;
      sim.poke(e.platLo, start);
      sim.poke(e.nlatLo, start);
      // the sums, from what the sink sees: packets (single flits) ejected at node 5
      let plat = 0;
      let nlat = 0;
      let packets = 0;
      sim.onCycle(() => {
        const p = e.ports;
        if ((p.ej_ctl.value & 1) === 0) return;
        plat += p.ej_at.value - p.ej_ct.value;
        nlat += p.ej_at.value - p.ej_it.value;
        packets++;
      });
      sim.step(400);
      expect(packets).to.be.greaterThan(40);
      expect(e.received.value).to.equal(packets);
      expect(e.platHi.value * 4294967296 + e.platLo.value).to.equal(start + plat);
      expect(e.nlatHi.value * 4294967296 + e.nlatLo.value).to.equal(start + nlat);
      expect(e.platHi.value, "the packet latency sum wrapped").to.equal(1);
      expect(e.nlatHi.value, "the network latency sum wrapped").to.equal(1);
    });
  }
});

describe("noc: the traffic sink with a latency below zero (a testbench poke) does as JavaScript numbers did", () => {
  for (const engine of ["wasm", "js"] as const) {
    it(`no carry, a new minimum, not a maximum (${engine} engine)`, () => {
      const { top, sim } = buildExperiment({
        width: W, height: H, router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 4, engine }, pattern: UNIFORM, rate: 0,
        packetSize: 1, seed: 3, warmup: 0, measure: 1 << 20,
      });
      const e = top.endpoints[5]!;
      sim.poke(e.platLo, 10);
      sim.poke(e.platMax, 7);
      // a flit that arrived (at 40) before it was created (ct 100), injected at 30
      sim.poke("noc.mesh.ni_5.ej_r[3]", 100);
      sim.poke("noc.mesh.ni_5.ej_r[4]", 30);
      sim.poke("noc.mesh.ni_5.ej_r[5]", 40);
      sim.poke("noc.mesh.ni_5.ej_r[0]", 1 | 2 | 4);
      sim.step(1);
      expect(e.received.value).to.equal(1);
      expect([e.platHi.value, e.platLo.value], "10 - 60, wrapped, no carry").to.deep.equal([0, (10 - 60) >>> 0]);
      expect([e.nlatHi.value, e.nlatLo.value]).to.deep.equal([0, 10]);
      expect(e.platMin.value).to.equal(-60 >>> 0);
      expect(e.platMax.value).to.equal(7);
    });
  }
});
