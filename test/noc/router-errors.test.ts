/**
 * Protocol violations a router or a network interface detects are reported with the router or
 * NI, the cycle and what was wrong, by both engines (the compiled one records a code; the message is worded in JS), and
 * with two threads (the worker, which claims from router 0 up, usually steps both routers; the
 * report must not depend on which thread does).
 */
import { expect } from "chai";
import { makeCtl } from "../../hw/noc/flit.ts";
import { Mesh } from "../../hw/noc/mesh.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";
import { Simulator } from "../../hw/rtl/index.ts";
import { routerOptions, type Engine } from "./delivery-log.ts";

/**
 * A 2x1 mesh; `drive` pokes registers at cycle 3 (the neighbour reads them in that cycle; a
 * credit read in cycle r applies in r + link latency + credit delay = r + 3); returns the first
 * error after `cycles`.
 */
function violation(engine: Engine, drive: (sim: Simulator) => void, cycles = 6): string | null {
  const mesh = new Mesh(null, "noc", { width: 2, height: 1, router: { ...DEFAULT_ROUTER, ...routerOptions(engine) } });
  const sim = new Simulator(mesh);
  sim.reset();
  sim.step(3); // idle cycles first: the plane is asleep when the poke arrives (it must wake)
  drive(sim);
  sim.step(cycles);
  return mesh.firstError();
}

for (const engine of ["wasm", "js", "wasm, 2 threads"] as Engine[]) {
  describe(`noc: router protocol violations (${engine} engine)`, () => {
    it("a flit naming a VC the router does not have", () => {
      const err = violation(engine, (sim) => sim.poke("noc.r_0_0.o_e[0]", makeCtl({ head: true, tail: true, vc: 20, dest: 2 })));
      expect(err).to.equal("noc.r_1_0 cycle 3: flit on input w names VC 20 >= 16");
    });
    it("a body flit on an idle VC", () => {
      const err = violation(engine, (sim) => sim.poke("noc.r_0_0.o_e[0]", makeCtl({ head: false, tail: false, vc: 3, dest: 2 })));
      expect(err).to.equal("noc.r_1_0 cycle 3: body flit on idle input w VC 3");
    });
    it("a credit for a VC that holds none", () => {
      const err = violation(engine, (sim) => sim.poke("noc.r_1_0.cr[1]", 1 | (2 << 1)));
      expect(err).to.equal("noc.r_0_0 cycle 6: credit underflow at output e VC 2");
    });
    it("no violation in normal operation", () => {
      expect(violation(engine, () => undefined)).to.equal(null);
    });
  });
}


for (const engine of ["wasm", "js", "wasm, 2 threads"] as Engine[]) {
  describe(`noc: network interface protocol violations (${engine} engine)`, () => {
    it("a body flit offered by the client before any head", () => {
      const err = violation(engine, (sim) => sim.poke("noc.node0_inj_ctl", makeCtl({ head: false, tail: true, dest: 2 })));
      expect(err).to.equal("noc.ni_0 cycle 3: body flit offered without a head");
    });
    it("a credit from the router for a VC the NI holds none of (applied a link latency later)", () => {
      const err = violation(engine, (sim) => sim.poke("noc.r_0_0.cr[4]", 1 | (2 << 1)));
      expect(err).to.equal("noc.ni_0 cycle 4: credit underflow on VC 2");
    });
    it("an ejected flit naming a VC the NI has no buffer for", () => {
      const err = violation(engine, (sim) => sim.poke("noc.r_1_0.o_l[0]", makeCtl({ head: true, tail: true, vc: 20, dest: 2 })));
      expect(err).to.equal("noc.ni_1 cycle 3: ejection buffer overflow on VC 20");
    });
  });
}
