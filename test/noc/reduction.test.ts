import { expect } from "chai";
import { Simulator } from "../../hw/rtl/index.ts";
import { ReductionNet } from "../../hw/noc/reduction.ts";
import { Rng } from "../../verif/random/rng.ts";

describe("noc: reduction network (north->south, west->east neighbour links)", () => {
  it("carries a stream of words in order under random sender/receiver stalls, no loss", () => {
    const net = new ReductionNet(null, "red", 3, 3, 2);
    const sim = new Simulator(net);
    sim.reset();
    expect(net.ns.filter(Boolean).length).to.equal(6);
    expect(net.we.filter(Boolean).length).to.equal(6);
    const rng = new Rng(3);
    for (const [dir, x, y] of [["ns", 1, 0], ["we", 0, 2], ["ns", 2, 1]] as const) {
      const l = net.link(dir, x, y);
      const sent: number[] = [];
      const got: number[] = [];
      let next = 100;
      for (let c = 0; c < 2000 && got.length < 300; c++) {
        const offer = sent.length < 300 && rng.bool(0.7);
        sim.poke(l.tx_valid, offer ? 1 : 0);
        sim.poke(l.tx_data, next);
        const rdy = rng.bool(0.6) ? 1 : 0;
        sim.poke(l.rx_ready, rdy);
        if (offer && sim.peek(l.tx_ready) === 1) {
          sent.push(next);
          next++;
        }
        if (rdy && sim.peek(l.rx_valid) === 1) got.push(sim.peek(l.rx_data));
        sim.step(1);
      }
      expect(got).to.deep.equal(sent.slice(0, got.length));
      expect(got.length).to.equal(300);
    }
  });
});
