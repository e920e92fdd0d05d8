import { expect } from "chai";
import { DEFAULT_ROUTER, type RouterParams } from "../../hw/noc/params.ts";
import { NocTb } from "./tb.ts";

const small: RouterParams = { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 3, vnets: 2 };

function randomTraffic(tb: NocTb, packets: number, maxLen: number, vnets: number): void {
  const r = tb.rng;
  for (let k = 0; k < packets; k++) {
    const src = r.int(0, tb.nodes - 1);
    const dst = r.int(0, tb.nodes - 1);
    tb.send(src, dst, r.int(1, maxLen), r.int(0, vnets - 1));
  }
}

describe("noc: scoreboard (every packet once, intact, in order; credits conserved every cycle)", function () {
  this.timeout(60000);
  const configs: [string, RouterParams][] = [
    ["booksim timing, 2 vnets", small],
    ["slow pipeline, no tail wait, rr allocators", { ...small, routingDelay: 1, vaDelay: 2, saDelay: 2, stDelay: 2, creditDelay: 0, waitTailCredit: false, vcAlloc: "rr", swAlloc: "rr", linkLatency: 2 }],
    ["islip 1 iteration, 1 vnet, 1-flit buffers", { ...small, vnets: 1, bufDepth: 1, vcIters: 1, swIters: 1, creditDelay: 3 }],
  ];
  for (const [name, params] of configs) {
    it(`random multi-flit traffic on a 4x3 mesh with edge nodes, stalling sinks: ${name}`, () => {
      const tb = new NocTb({ width: 4, height: 3, router: params, edgeNodes: true }, 7);
      expect(tb.nodes).to.equal(12 + 14);
      tb.stall = tb.stall.map((_, i) => (i % 3 === 0 ? 0.5 : 0));
      randomTraffic(tb, 1500, 6, params.vnets);
      tb.drain(40000);
      expect(tb.delivered).to.equal(tb.sent);
      expect(tb.mesh.flitsInNetwork()).to.equal(0);
    });
  }

  it("backpressure: a sink stalled for 3000 cycles under hotspot traffic loses nothing", () => {
    const tb = new NocTb({ width: 4, height: 4, router: small }, 3);
    const hot = 5;
    for (let k = 0; k < 400; k++) tb.send(k % 16, hot, 1 + (k % 4), k % 2);
    tb.stall[hot] = 1;
    for (let c = 0; c < 3000; c++) tb.cycle();
    expect(tb.delivered).to.equal(0);
    expect(tb.mesh.flitsInNetwork()).to.be.greaterThan(0);
    tb.stall[hot] = 0;
    tb.drain(20000);
    expect(tb.delivered).to.equal(400);
  });

  it("separate networks are independent", () => {
    const tb = new NocTb({ width: 3, height: 3, router: small, networks: 2 }, 5);
    expect(tb.mesh.routers.length).to.equal(2);
    expect(tb.mesh.nis[1]!.length).to.equal(9);
    randomTraffic(tb, 300, 4, 2);
    tb.drain(20000);
    expect(tb.delivered).to.equal(300);
    // network 1 saw nothing
    expect(tb.mesh.nis[1]!.reduce((s, n) => s + n.injected, 0)).to.equal(0);
  });
});
