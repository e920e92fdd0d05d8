/** Router and traffic parameters: validation of the simulation options and patterns, and the allocators' bit helper. */
import { expect } from "chai";
import { Mesh } from "../../hw/noc/mesh.ts";
import { DEFAULT_ROUTER, firstFrom } from "../../hw/noc/params.ts";
import { destinationPlan } from "../../hw/noc/traffic.ts";
import { checkFlitFields } from "../../hw/noc/flit.ts";
import { xorshift32 } from "../waveforms/xorshift.ts";

describe("noc: simulation options are checked", () => {
  const build = (router: object): Mesh => new Mesh(null, "noc", { width: 2, height: 1, router: { ...DEFAULT_ROUTER, ...router } });
  it("names a bad engine or thread count", () => {
    expect(() => build({ engine: "c" })).to.throw(RangeError, 'noc: engine c is not "wasm" or "js"');
    expect(() => build({ threads: 3 })).to.throw(RangeError, "noc: threads 3 is not 1 or 2");
    expect(() => build({ threads: 2, engine: "js" })).to.throw(RangeError, 'noc: threads 2 needs the "wasm" engine');
  });
});

describe("noc: firstFrom (round-robin pick of the allocators)", () => {
  /** The definition, bit by bit: the first set bit at or after s, else the first from bit 0. */
  const reference = (m: number, s: number): number => {
    for (let b = s; b < 32; b++) if (((m >>> b) & 1) !== 0) return b;
    for (let b = 0; b < 32; b++) if (((m >>> b) & 1) !== 0) return b;
    return -1;
  };
  it("matches the bit-by-bit definition on 20,000 masks and every start 0..40", () => {
    const rnd = xorshift32(99);
    for (let i = 0; i < 20000; i++) {
      const r = rnd();
      const m = i % 11 === 0 ? 0 : (i % 3 === 0 ? r & 0x8001 : r | 0);
      for (let s = 0; s <= 40; s += 1 + (i % 5)) expect(firstFrom(m, s), `m ${m} s ${s}`).to.equal(reference(m, s));
    }
  });
});

describe("noc: traffic options are checked", () => {
  const plan = (hotspots: number[], hotspotRates?: number[]) => (): unknown => destinationPlan({ name: "hotspot", hotspots, hotspotRates }, 4, 4);
  it("names a bad hotspot node or rate", () => {
    expect(plan([16])).to.throw(RangeError, "hotspot node 16 is not in 0..15");
    expect(plan([1, 2], [1])).to.throw(RangeError, "hotspot: give as many rates as hotspots");
    expect(plan([1, 2], [1, -1])).to.throw(RangeError, "hotspot rate -1 is not a non-negative number");
    expect(plan([1, 2], [0, 0])).to.throw(RangeError, "hotspot: the rates add up to 0");
    expect(() => destinationPlan({ name: "transpose" }, 4, 2)).to.throw(RangeError, "transpose needs a square mesh");
  });
});

describe("noc: the per-file copies of the flit fields are checked against flit.ts", () => {
  it("accepts a faithful copy and names the field of a wrong one", () => {
    expect(() => checkFlitFields("copy.ts", { HEAD: 2, TAIL: 4, VC_SHIFT: 3, MC_END_SHIFT: 27 })).not.to.throw();
    expect(() => checkFlitFields("copy.ts", { HEAD: 2, VC_MASK: 15 })).to.throw(Error, "copy.ts: flit field VC_MASK is 15, flit.ts has 31");
  });
});
