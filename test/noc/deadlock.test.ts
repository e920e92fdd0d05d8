import { expect } from "chai";
import { buildExperiment } from "../../hw/noc/experiment.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";

describe("noc: no deadlock far past saturation", function () {
  this.timeout(120000);
  it("4x4 mesh, uniform 4-flit packets at 0.9 packets/node/cycle for 100,000 cycles keeps delivering", () => {
    const { top, sim } = buildExperiment({
      width: 4,
      height: 4,
      router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 4 },
      pattern: { name: "uniform" },
      rate: 0.9,
      packetSize: 4,
      seed: 5,
      warmup: 0,
      measure: 200000,
    });
    const accepted = (): number => top.endpoints.reduce((s, e) => s + e.accepted.value, 0);
    let last = 0;
    for (let w = 0; w < 20; w++) {
      sim.step(5000);
      const a = accepted();
      expect(a - last, `flits delivered in window ${w}`).to.be.greaterThan(5000);
      last = a;
      expect(top.mesh.firstError()).to.equal(null);
      expect(top.mesh.auditCredits()).to.equal(null);
    }
    expect(sim.cycle).to.be.at.least(100000);
  });
});
