import { expect } from "chai";
import { nodeCode } from "../../hw/noc/flit.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";
import { NocTb } from "./tb.ts";

describe("noc: multicast along a row or column segment", function () {
  this.timeout(30000);
  it("reaches all and only its targets (rows and columns, from outside and from the segment end)", () => {
    const tb = new NocTb({ width: 5, height: 4, router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 4 } }, 11);
    const id = (x: number, y: number): number => y * 5 + x;
    // row 2, columns 1..4, from node (0, 0): start at (1, 2), end x = 4
    tb.multicast(id(0, 0), id(1, 2), "x", nodeCode(4, 0) & 31, [1, 2, 3, 4].map((x) => id(x, 2)), 3);
    // row 1, columns 3..0 (westwards), from (4, 1)
    tb.multicast(id(4, 1), id(3, 1), "x", nodeCode(0, 0) & 31, [3, 2, 1, 0].map((x) => id(x, 1)), 1);
    // column 2, rows 0..3, from its first node
    tb.multicast(id(2, 0), id(2, 0), "y", (nodeCode(0, 3) >>> 5) & 31, [0, 1, 2, 3].map((y) => id(2, y)), 2);
    // plus unicast background traffic
    for (let k = 0; k < 200; k++) tb.send(tb.rng.int(0, 19), tb.rng.int(0, 19), tb.rng.int(1, 4));
    tb.drain(20000);
    // every expected copy arrived exactly once; nothing unexpected arrived (the tb throws on that)
    expect(tb.delivered).to.equal(4 + 4 + 4 + 200);
    expect(tb.outstanding).to.equal(0);
  });
});
