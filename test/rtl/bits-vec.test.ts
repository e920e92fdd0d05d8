// BitsVec: indexed reads and writes of a group of signals, and the XOR reduction, over consecutive slots
// (registers of identical instances, in any order) and scattered ones.
import { expect } from "chai";
import { Module, Simulator, type Bits, type BitsVec } from "../../hw/rtl/index.ts";
import { compileMethodBatch } from "../../hw/rtl/compile-batch.ts";

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

/**
 * Writes through vectors: a comb block drives 4 wires of 5 bits by index (`set`), a clocked
 * block assigns 4 registers by index (`setNext`), and a comb block reads them back by a
 * computed index (`get`). Several instances, so the batch compiler rewrites the calls.
 */
class VecWriter extends Module {
  readonly sel: Bits;
  readonly wires: Bits[];
  readonly regs: Bits[];
  readonly picked: Bits;
  private readonly w: BitsVec;
  private readonly r: BitsVec;
  constructor(parent: Module, name: string) {
    super(parent, name);
    this.sel = this.reg("sel", 32, { init: 0 }); // poked by the test (holds otherwise)
    this.wires = Array.from({ length: 4 }, (_, i) => this.wire(`w${i}`, 5));
    this.regs = Array.from({ length: 4 }, (_, i) => this.reg(`r${i}`, 5, { init: 0 }));
    this.picked = this.output("picked", 5);
    this.w = this.vec(this.wires);
    this.r = this.vec(this.regs);
    this.comb({ reads: [this.sel], writes: [this.w] }, this.drive);
    this.seq(this.load);
    this.comb({ reads: [this.w, this.r, this.sel], writes: [this.picked] }, this.pick);
  }
  drive(): void {
    const s = this.sel.value;
    for (let k = 0; k < 4; k++) this.w.set(k, (s >>> (k * 3)) + k * 31); // past 5 bits: masked
  }
  load(): void {
    const s = this.sel.value;
    for (let k = 0; k < 4; k++) {
      if (((s >>> (20 + k)) & 1) !== 0) this.r.setNext(k, this.w.get(k) + this.r.get(k));
    }
  }
  pick(): void {
    this.picked.value = this.w.get(this.sel.value & 3) ^ this.r.get((this.sel.value >>> 2) & 3);
  }
}

class VecWriters extends Module {
  readonly kids: VecWriter[];
  constructor() {
    super(null, "top");
    this.kids = [0, 1, 2].map((i) => new VecWriter(this, `v${i}`));
  }
}

describe("rtl: BitsVec writes", () => {
  it("set/setNext/get give the values of per-signal writes, with and without the batch compiler", () => {
    const run = (compile: boolean): number[][] => {
      const top = new VecWriters();
      const sim = new Simulator(top, { compile });
      sim.reset();
      let seed = 77;
      const rows: number[][] = [];
      // model of one instance: the wires and registers as the spec says
      const model = top.kids.map(() => ({ regs: [0, 0, 0, 0] }));
      for (let cycle = 0; cycle < 200; cycle++) {
        top.kids.forEach((k, i) => sim.poke(k.sel, (seed = (Math.imul(seed, 1664525) + 1013904223 + i) >>> 0)));
        sim.settle();
        const row: number[] = [];
        top.kids.forEach((k, i) => {
          const s = sim.peek(k.sel) as number;
          const wires = [0, 1, 2, 3].map((j) => ((s >>> (j * 3)) + j * 31) & 31);
          const m = model[i]!;
          expect(k.wires.map((w) => sim.peek(w))).to.deep.equal(wires);
          expect(k.regs.map((r) => sim.peek(r))).to.deep.equal(m.regs);
          expect(sim.peek(k.picked)).to.equal(wires[s & 3]! ^ m.regs[(s >>> 2) & 3]!);
          for (let j = 0; j < 4; j++) if (((s >>> (20 + j)) & 1) !== 0) m.regs[j] = (wires[j]! + m.regs[j]!) & 31;
          row.push(...k.regs.map((r) => sim.peek(r) as number), sim.peek(k.picked) as number);
        });
        rows.push(row);
        sim.step();
      }
      return rows;
    };
    expect(run(true)).to.deep.equal(run(false));
  });

  it("the batch compiler rewrites the vector calls into store accesses", () => {
    const top = new VecWriters();
    new Simulator(top, { compile: false });
    for (const m of ["drive", "load", "pick"] as const) {
      const fn = (top.kids[0] as unknown as Record<string, () => void>)[m]!;
      const runner = compileMethodBatch(m, fn, top.kids);
      expect(runner, m).to.be.a("function");
      expect(String(runner), m).to.match(/__NN?\[__v0\[\(/);
      expect(String(runner), m).to.not.match(/\.(get|set|setNext)\(/);
    }
  });

  it("setNext on a vector of wires is an error naming the signal", () => {
    class Bad extends Module {
      readonly w = this.wire("w", 4);
      readonly v: BitsVec;
      constructor() {
        super(null, "top");
        this.v = this.vec([this.w]);
        this.comb({ reads: [], writes: [this.w] }, () => (this.w.value = 1));
        this.seq(() => this.v.setNext(0, 1));
      }
    }
    const sim = new Simulator(new Bad());
    expect(() => sim.step()).to.throw(/top\.w: setNext on a vector whose signals are not all registers \(this is a wire\)/);
  });
  it("reduceOr is the OR of the current values, 0 when all are 0", () => {
    const top = new Reducer(9);
    const sim = new Simulator(top);
    sim.reset();
    top.scattered.forEach((w, i) => sim.poke(w, (i * 37 + 5) & 0x1fff));
    sim.step(1);
    const vec = (top as unknown as { b: BitsVec }).b;
    // b is every other input (0, 2, 4, 6, 8) in reverse order
    expect(vec.reduceOr()).to.equal([8, 6, 4, 2, 0].reduce((x, i) => x | ((i * 37 + 5) & 0x1fff), 0));
    top.scattered.forEach((w) => sim.poke(w, 0));
    expect(vec.reduceOr()).to.equal(0);
  });
});
