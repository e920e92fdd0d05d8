/**
 * Cycle-exact regression test: the delivery logs (every flit delivered, its cycle, node and
 * words) of fixed-seed runs must match those the model produced before its speed work
 * (hashes below were computed by that code, with the functions of delivery-log.ts). Both
 * router engines must produce them: the WebAssembly compiled from router-fabric.ts and the
 * same source run as JavaScript, and the compiled one with a second thread stepping some of
 * the routers.
 */
import { expect } from "chai";
import { TRAFFIC_CASES, testbenchLog, trafficLog, type DeliveryLog, type Engine } from "./delivery-log.ts";

const EXPECTED: Record<string, DeliveryLog> = {
  "8x8 uniform 0.30 (benchmark)": { flits: 28516, hash: "d7d867821a0e1d34" },
  "8x8 uniform 0.45 (saturated)": { flits: 31770, hash: "771d034dbc305bdd" },
  "8x8 4-flit packets": { flits: 28471, hash: "a7b8633d69e2035a" },
  "4x3 uniform 0.35": { flits: 8381, hash: "1608fbe7fe3666bf" },
  "4x3 tornado, 3-flit packets": { flits: 10764, hash: "77e7781740118d18" },
  "4x3 long pipeline (VA 2, SA 2, ST 2, routing 1, link 2)": { flits: 9390, hash: "47aa0a880a2c3309" },
  "4x4 round-robin allocators, no tail-credit wait, 4 VCs x 3": { flits: 18857, hash: "49e320d27133cb92" },
  "4x4 32 VCs x 2, iSLIP 1/3": { flits: 12673, hash: "c8c79efeaa56885b" },
  "5x3 2 VCs, VA 3, SA 3, 5-flit packets": { flits: 5944, hash: "d01080a5da97d8ec" },
};
const EXPECTED_TESTBENCH = { flits: 4751, hash: "687c68d4fbd2fc82", cycles: 766 };

for (const engine of ["wasm", "js", "wasm, 2 threads"] as Engine[]) {
  describe(`noc: delivery logs are cycle-exact (fixed seeds, ${engine} engine)`, function () {
    this.timeout(120000);
    for (const c of TRAFFIC_CASES) {
      it(c.name, () => {
        expect(trafficLog(c, engine)).to.deep.equal(EXPECTED[c.name]);
      });
    }
    it("edge NIs, two vnets, multicast, stalled ejection (testbench)", () => {
      expect(testbenchLog(engine)).to.deep.equal(EXPECTED_TESTBENCH);
    });
  });
}
