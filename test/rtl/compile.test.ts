/**
 * The batch compiler (hw/rtl/compile-batch.ts) must not change any result: the same designs
 * run with and without it give identical values on every signal at every cycle.
 */
import { expect } from "chai";
import { Module, Simulator, type Bits, type BitsVec } from "../../hw/rtl/index.ts";
import { compileMethodBatch } from "../../hw/rtl/compile-batch.ts";
import { Fifo, RoundRobinArbiter, ShiftRegister, SkidBuffer } from "../../hw/rtl/lib/index.ts";
import { CounterArray } from "../../bench/designs/counters.ts";
import { FifoChain } from "../../bench/designs/fifo-chain.ts";
import { Rng } from "../../verif/random/rng.ts";

/** Several instances of each library block, driven from one seeded input register. */
class Mix extends Module {
  readonly stim = this.input("stim", 32);
  constructor() {
    super(null, "top");
    for (let i = 0; i < 4; i++) {
      const f = new Fifo(this, `fifo${i}`, { width: 8, depth: 1 + i, pipe: i % 2 === 1 });
      const s = new SkidBuffer(this, `skid${i}`, 8);
      const a = new RoundRobinArbiter(this, `arb${i}`, 3 + i);
      const d = new ShiftRegister(this, `delay${i}`, 8, 1 + i);
      const bit = (k: number): Bits => {
        const w = this.wire(`b${i}_${k}`, 1);
        this.comb({ reads: [this.stim], writes: [w] }, () => (w.value = this.stim.value >>> ((k + 5 * i) & 31)));
        return w;
      };
      this.connect(f.in_valid, bit(0));
      this.connect(f.out_ready, bit(1));
      this.connect(f.in_data, d.out);
      this.connect(s.in_valid, f.out_valid);
      this.connect(s.in_data, f.out_data);
      this.connect(s.out_ready, bit(2));
      const req = this.wire(`req${i}`, 3 + i);
      this.comb({ reads: [this.stim], writes: [req] }, () => (req.value = this.stim.value >>> (i * 3)));
      this.connect(a.req, req);
      this.connect(a.en, bit(3));
      const din = this.wire(`din${i}`, 8);
      this.comb({ reads: [this.stim], writes: [din] }, () => (din.value = this.stim.value >>> 8));
      this.connect(d.in, din);
    }
  }
}

function trace(make: () => Module, compile: boolean, cycles: number, stim?: (sim: Simulator) => void, maxUnrolled?: number): (number | bigint)[][] {
  const top = make();
  const sim = new Simulator(top, maxUnrolled === undefined ? { compile } : { compile, maxUnrolled });
  sim.reset();
  const signals = sim.signals();
  const rows: (number | bigint)[][] = [];
  for (let c = 0; c < cycles; c++) {
    stim?.(sim);
    rows.push(signals.map((s) => sim.peek(s.handle)));
    sim.step();
  }
  return rows;
}

describe("batch compiler", () => {
  it("compiles the library's hot methods (they do not fall back)", () => {
    const chain = new FifoChain(null, "top", 3);
    new Simulator(chain, { compile: false });
    for (const m of ["update", "driveOutput", "readyPipe"] as const) {
      const fn = (chain.stages[0] as unknown as Record<string, () => void>)[m]!;
      expect(compileMethodBatch(m, fn, chain.stages), m).to.be.a("function");
    }
    const counters = new CounterArray(null, "top", 8);
    new Simulator(counters, { compile: false });
    const tick = (counters.counters[0] as unknown as Record<string, () => void>)["tick"]!;
    expect(compileMethodBatch("tick", tick, counters.counters)).to.be.a("function");
  });

  it("K1 counters: identical every cycle with and without compilation", () => {
    const make = (): Module => new CounterArray(null, "top", 100);
    expect(trace(make, true, 300)).to.deep.equal(trace(make, false, 300));
  });

  it("K2 FIFO chain: identical every cycle with and without compilation", () => {
    const make = (): Module => new FifoChain(null, "top", 16, 7);
    expect(trace(make, true, 400)).to.deep.equal(trace(make, false, 400));
  });

  it("library blocks under seeded random stimulus: identical with and without compilation", () => {
    for (const seed of [1, 2, 3]) {
      const rng1 = new Rng(seed);
      const rng2 = new Rng(seed);
      const a = trace(() => new Mix(), true, 500, (sim) => sim.poke("top.stim", rng1.next()));
      const b = trace(() => new Mix(), false, 500, (sim) => sim.poke("top.stim", rng2.next()));
      expect(a).to.deep.equal(b);
    }
  });

  it("the cycle function gives the same results as straight-line code and as loops", () => {
    for (const seed of [4, 5]) {
      const rng1 = new Rng(seed);
      const rng2 = new Rng(seed);
      const unrolled = trace(() => new Mix(), true, 300, (sim) => sim.poke("top.stim", rng1.next()));
      const looped = trace(() => new Mix(), true, 300, (sim) => sim.poke("top.stim", rng2.next()), 0);
      expect(looped).to.deep.equal(unrolled);
    }
  });

  it("falls back (returns undefined) on code it cannot keep equivalent", () => {
    class Tricky extends Module {
      readonly r = this.reg("r", 8);
      readonly s = this.reg("s", 8);
      constructor(parent: Module, name: string) {
        super(parent, name);
      }
      compound(): void {
        this.r.next += 1;
      }
      chained(): void {
        this.r.next = this.s.next = 3;
      }
      asValue(): void {
        void (this.r.next = 4);
      }
      valueReturn(): number {
        return this.r.value;
      }
      closure(): void {
        [1, 2].forEach((k) => (this.r.next = k));
      }
      increment(): void {
        this.r.next++;
      }
    }
    class Top extends Module {
      readonly kids: Tricky[];
      constructor() {
        super(null, "top");
        this.kids = [new Tricky(this, "a"), new Tricky(this, "b")];
      }
    }
    const top = new Top();
    new Simulator(top);
    for (const m of ["compound", "chained", "asValue", "valueReturn", "closure", "increment"]) {
      const fn = (top.kids[0] as unknown as Record<string, () => void>)[m]!;
      expect(compileMethodBatch(m, fn, top.kids), m).to.equal(undefined);
    }
  });

  /**
   * Vector calls and assignments in odd places: each body runs with and without the compiler
   * and must give the same outputs; the compiler may rewrite or fall back, never change the
   * meaning (a set is an expression whose value is undefined; an assignment's value is its
   * right-hand side, unmasked) or fail to build.
   */
  it("vector calls and assignments in expression position keep their meaning", () => {
    const bodies = ["ternarySet", "loopConditionSet", "getNoArgument", "getSpread", "setTrailingComma", "valueInTernary", "caseLabel", "statementLabel"] as const;
    type Body = (typeof bodies)[number];
    class Odd extends Module {
      readonly sel = this.reg("sel", 8, { init: 0 });
      readonly o = this.output("o", 8);
      readonly ws = [0, 1].map((i) => this.wire(`w${i}`, 8));
      readonly w = this.vec(this.ws);
      constructor(parent: Module, name: string, body: Body) {
        super(parent, name);
        this.comb({ reads: [this.sel], writes: [this.w, this.o] }, this[body]);
      }
      ternarySet(): void {
        const y = this.sel.value > 100 ? 5 : this.w.set(0, 7);
        this.w.set(1, 0);
        this.o.value = y === undefined ? 1 : 2;
      }
      loopConditionSet(): void {
        let n = 0;
        for (; this.w.set(0, 3) as unknown; ) if (++n > 2) break;
        this.w.set(1, 0);
        this.o.value = n;
      }
      getNoArgument(): void {
        this.w.set(0, 1);
        this.w.set(1, 2);
        const get = this.w.get as (this: BitsVec) => number | undefined;
        this.o.value = get.call(this.w) === undefined ? 1 : 2;
        this.o.value = (this.w.get as () => number | undefined)() === undefined ? 3 : 4;
      }
      getSpread(): void {
        const at: [number] = [1];
        this.w.set(0, 4);
        this.w.set(1, 5);
        this.o.value = this.w.get(...at);
      }
      setTrailingComma(): void {
        this.w.set(0, 9);
        this.w.set(1, 6,);
        this.o.value = this.w.get(0,);
      }
      valueInTernary(): void {
        let y = 0;
        y = this.sel.value > 100 ? 1 : (this.o.value = 511);
        this.w.set(0, y >> 8);
        this.w.set(1, y & 0xff);
      }
      caseLabel(): void {
        switch (this.sel.value) {
          case 0: this.o.value = 300; break;
          default: this.o.value = 2;
        }
        this.w.set(0, 1);
        this.w.set(1, 1);
      }
      statementLabel(): void {
        outer: for (let i = 0; i < 2; i++) {
          this.w.set(i, i + 40);
          if (i === 0) continue outer;
        }
        this.o.value = 7;
      }
    }
    for (const body of bodies) {
      const run = (compile: boolean): number[] => {
        class Top extends Module {
          readonly kids: Odd[];
          constructor() {
            super(null, "top");
            this.kids = [0, 1].map((i) => new Odd(this, `k${i}`, body));
          }
        }
        const top = new Top();
        const sim = new Simulator(top, { compile });
        sim.reset();
        sim.step();
        return top.kids.flatMap((k) => [sim.peek(k.o) as number, ...k.ws.map((w) => sim.peek(w) as number)]);
      };
      expect(run(true), body).to.deep.equal(run(false));
    }
    // the statement forms still compile (a labelled loop falls back: the label is a free name)
    const top = new (class extends Module {
      readonly kids = [0, 1].map((i) => new Odd(this, `k${i}`, "caseLabel"));
      constructor() {
        super(null, "top");
      }
    })();
    new Simulator(top, { compile: false });
    for (const m of ["caseLabel", "setTrailingComma"] as const) {
      expect(compileMethodBatch(m, top.kids[0]![m], top.kids), m).to.be.a("function");
    }
  });
});
