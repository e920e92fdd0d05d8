/**
 * Validation against BookSim2 (issue 5): 8x8 mesh, XY, 16 VCs x 8 flits, iSLIP x2 for both
 * allocators, routing delay 0, VA 1, SA 1, ST 1, credit delay 2, wait for tail credit, 1-flit
 * packets, Bernoulli uniform traffic. BookSim2's numbers are from the issue.
 */
import { expect } from "chai";
import { runExperiment, type ExperimentOptions } from "../../hw/noc/experiment.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";

const BOOKSIM = { zeroLoad: 26.8, at020: 27.8, at030: 29.1, saturation: 0.41, hops: 6.2 };

const base: ExperimentOptions = {
  width: 8,
  height: 8,
  router: DEFAULT_ROUTER,
  pattern: { name: "uniform" },
  rate: 0,
  packetSize: 1,
  seed: 1,
  warmup: 1000,
  measure: 3000,
};

function within(ours: number, ref: number, tol = 0.05): void {
  expect(Math.abs(ours - ref) / ref, `ours ${ours.toFixed(3)} vs BookSim2 ${ref}`).to.be.at.most(tol);
}

describe("noc: validation against BookSim2 (8x8 uniform, issue configuration)", function () {
  this.timeout(120000);
  it("zero-load latency and hops", () => {
    const r = runExperiment({ ...base, rate: 0.01 });
    within(r.latency, BOOKSIM.zeroLoad);
    within(r.hops, BOOKSIM.hops);
    expect(r.stable).to.equal(true);
  });
  it("latency at 0.20 and 0.30 packets/node/cycle", () => {
    within(runExperiment({ ...base, rate: 0.2 }).latency, BOOKSIM.at020);
    within(runExperiment({ ...base, rate: 0.3 }).latency, BOOKSIM.at030);
  });
  it("saturation throughput (accepted flits/node/cycle at offered 0.6)", () => {
    const r = runExperiment({ ...base, rate: 0.6, warmup: 1500, measure: 2000, drain: false });
    within(r.accepted, BOOKSIM.saturation);
  });
});
