/**
 * A second router thread (RouterParams.threads = 2) gives the same cycles as one, also with
 * two networks (a worker per plane, each with a module of its own: their scratch arrays must
 * not collide), and the workers do take part.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { makeCtl } from "../../hw/noc/flit.ts";
import { Mesh } from "../../hw/noc/mesh.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";
import { Simulator } from "../../hw/rtl/index.ts";
import { xorshift32 } from "../waveforms/xorshift.ts";

interface Run {
  flits: number;
  hash: string;
  error: string | null;
  workerSteps: number[];
}

/**
 * Two 6x6 planes under random single-flit traffic (offered 0.35 per node and plane) for `cycles`;
 * hashes every ejected flit. `poke` runs between two cycles, at cycle `pokeAt`.
 */
function run(threads: 1 | 2, cycles: number, pokeAt = -1, poke?: (sim: Simulator) => void): Run {
  const mesh = new Mesh(null, "noc", { width: 6, height: 6, networks: 2, router: { ...DEFAULT_ROUTER, threads } });
  const sim = new Simulator(mesh);
  sim.reset();
  const rnd = xorshift32(12345);
  const h = createHash("sha256");
  const N = mesh.nodes.length;
  const offering = [new Uint8Array(N), new Uint8Array(N)];
  let flits = 0;
  for (let c = 0; c < cycles; c++) {
    for (let k = 0; k < 2; k++) {
      for (let n = 0; n < N; n++) {
        const e = mesh.ports[k]![n]!;
        if (offering[k]![n] === 1 && sim.peek(e.inj_ready) === 1) offering[k]![n] = 0;
        sim.poke(e.ej_ready, 1);
        const ctl = sim.peek(e.ej_ctl);
        if ((ctl & 1) === 0) continue;
        flits++;
        h.update(`${c} ${k} ${n} ${ctl} ${sim.peek(e.ej_src)} ${sim.peek(e.ej_data)} ${sim.peek(e.ej_it)}\n`);
      }
    }
    sim.step();
    if (c === pokeAt) poke!(sim);
    for (let k = 0; k < 2; k++) {
      for (let n = 0; n < N; n++) {
        const e = mesh.ports[k]![n]!;
        if (offering[k]![n] === 1) continue;
        if (rnd() < 0.35 * 2 ** 32) {
          sim.poke(e.inj_ctl, makeCtl({ head: true, tail: true, dest: mesh.nodes[rnd() % N]!.code }));
          sim.poke(e.inj_data, (c * 1000 + n) >>> 0);
          sim.poke(e.inj_ct, c);
          offering[k]![n] = 1;
        } else sim.poke(e.inj_ctl, 0);
      }
    }
  }
  return { flits, hash: h.digest("hex").slice(0, 16), error: mesh.firstError(), workerSteps: mesh.routers.map((rs) => rs[0]!.fabric.workerSteps) };
}

describe("noc: two router threads", function () {
  this.timeout(120000);
  it("give the same deliveries as one, with two networks, and both workers step routers", () => {
    const one = run(1, 1500);
    expect(one.error).to.equal(null);
    expect(one.flits).to.be.greaterThan(30000);
    for (let i = 0; i < 2; i++) {
      const two = run(2, 1500);
      expect({ flits: two.flits, hash: two.hash, error: two.error }).to.deep.equal({ flits: one.flits, hash: one.hash, error: null });
      for (const steps of two.workerSteps) expect(steps, "routers stepped by a plane's worker").to.be.greaterThan(0);
    }
  });

  it("see a link register poked between two loaded cycles as one thread does", () => {
    // a flit naming VC 20 (of 16) on router (0,0)'s east output: router (1,0) must record it in the next cycle
    const poke = (sim: Simulator): void => sim.poke("noc.n1_r_0_0.o_e[0]", makeCtl({ head: true, tail: true, vc: 20, dest: 2 }));
    const one = run(1, 60, 40, poke);
    expect(one.error).to.match(/^noc\.n1_r_1_0 cycle 41: flit on input w names VC 20 >= 16/);
    expect(run(2, 60, 40, poke).error).to.equal(one.error);
  });
});
