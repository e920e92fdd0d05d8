// BitsVec: indexed reads of a group of signals, and the XOR reduction, over consecutive slots
// (registers of identical instances, in any order) and scattered ones.
import { expect } from "chai";
import { Module, Simulator, type Bits, type BitsVec } from "../../hw/rtl/index.ts";

class Reducer extends Module {
  readonly consecutive: Bits[];
  readonly scattered: Bits[];
  readonly xorConsecutive: Bits;
  readonly xorScattered: Bits;
  readonly firstScattered: Bits;
  private readonly a: BitsVec;
  private readonly b: BitsVec;

  constructor(count: number) {
    super(null, "top");
    this.consecutive = Array.from({ length: count }, (_, i) => this.reg(`r${i}`, 32, { init: 0 }));
    // Every other input, in reverse order: the slots leave gaps, so no range read applies.
    this.scattered = Array.from({ length: count }, (_, i) => this.input(`w${i}`, 13));
    this.xorConsecutive = this.output("xorConsecutive", 32);
    this.xorScattered = this.output("xorScattered", 13);
    this.firstScattered = this.output("firstScattered", 13);
    this.a = this.vec(this.consecutive);
    this.b = this.vec(this.scattered.filter((_, i) => i % 2 === 0).reverse());
    this.comb({ reads: [this.a, this.b], writes: [this.xorConsecutive, this.xorScattered, this.firstScattered] }, () => {
      this.xorConsecutive.value = this.a.reduceXor();
      this.xorScattered.value = this.b.reduceXor();
      this.firstScattered.value = this.b.length > 0 ? this.b.get(0) : 0;
    });
  }
}

describe("rtl: BitsVec", () => {
  for (const count of [0, 1, 3, 4, 5, 37]) {
    it(`reduceXor equals the XOR of the values (${count} signals)`, () => {
      const top = new Reducer(count);
      const sim = new Simulator(top);
      sim.reset();
      let seed = 0x9e3779b9 + count;
      const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
      for (let round = 0; round < 20; round++) {
        let x = 0;
        let y = 0;
        for (const r of top.consecutive) {
          const v = next();
          sim.poke(r, v);
          x = (x ^ v) >>> 0;
        }
        const words: number[] = [];
        top.scattered.forEach((w, i) => {
          const v = next() & 0x1fff;
          sim.poke(w, v);
          if (i % 2 === 0) words.push(v), (y ^= v);
        });
        sim.settle();
        expect(sim.peek(top.xorConsecutive), `round ${round}`).to.equal(x);
        expect(sim.peek(top.xorScattered), `round ${round}`).to.equal(y);
        expect(sim.peek(top.firstScattered)).to.equal(words[words.length - 1] ?? 0);
      }
    });
  }
});
