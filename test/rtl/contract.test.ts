/** The RTL kernel's contract (DESIGN.md section 3), each point asserted on real values. */
import { expect } from "chai";
import { Module, Simulator, ElaborationError, type Bits, type WideBits } from "../../hw/rtl/index.ts";

class Swap extends Module {
  readonly a = this.reg("a", 8, { init: 1 });
  readonly b = this.reg("b", 8, { init: 2 });
  constructor() {
    super(null, "top");
    this.seq(() => {
      this.a.next = this.b.value;
      this.b.next = this.a.value;
    });
  }
}

/** y = x + k, combinationally. */
class AddK extends Module {
  readonly x = this.input("x", 16);
  readonly y = this.output("y", 16);
  constructor(parent: Module, name: string, k: number) {
    super(parent, name);
    this.comb({ reads: [this.x], writes: [this.y] }, () => {
      this.y.value = this.x.value + k;
    });
  }
}

class Chain3 extends Module {
  readonly in = this.input("in", 16);
  readonly out = this.output("out", 16);
  readonly stages: AddK[];
  constructor(reversed: boolean) {
    super(null, "top");
    // Declared in either order: the schedule must not care.
    const names = reversed ? ["s2", "s1", "s0"] : ["s0", "s1", "s2"];
    const made = new Map(names.map((n) => [n, new AddK(this, n, Number(n[1]) + 1)]));
    this.stages = ["s0", "s1", "s2"].map((n) => made.get(n)!);
    this.connect(this.stages[0]!.x, this.in);
    this.connect(this.stages[1]!.x, this.stages[0]!.y);
    this.connect(this.stages[2]!.x, this.stages[1]!.y);
    this.connect(this.out, this.stages[2]!.y);
  }
}

describe("kernel contract", () => {
  it("two registers that swap (a <= b; b <= a) swap", () => {
    const top = new Swap();
    const sim = new Simulator(top);
    expect([sim.peek(top.a), sim.peek(top.b)]).to.deep.equal([1, 2]);
    sim.step();
    expect([sim.peek(top.a), sim.peek(top.b)]).to.deep.equal([2, 1]);
    sim.step();
    expect([sim.peek(top.a), sim.peek(top.b)]).to.deep.equal([1, 2]);
  });

  it("a combinational chain through three modules settles within one cycle", () => {
    for (const reversed of [false, true]) {
      const top = new Chain3(reversed);
      const sim = new Simulator(top);
      sim.poke(top.in, 100);
      expect(sim.peek(top.out)).to.equal(106);
      expect(sim.peek("top.s1.y")).to.equal(103);
      sim.poke(top.in, 0xffff);
      expect(sim.peek(top.out)).to.equal(5); // 0xffff + 6 wraps at 16 bits
    }
  });

  it("rejects a combinational loop, naming the signals in it", () => {
    class Loop extends Module {
      constructor() {
        super(null, "top");
        const a = new AddK(this, "a", 1);
        const b = new AddK(this, "b", 2);
        this.connect(b.x, a.y);
        this.connect(a.x, b.y);
      }
    }
    expect(() => new Simulator(new Loop())).to.throw(ElaborationError, /combinational loop: .*top\.a\.y.*top\.b\.x.*top\.b\.y.*top\.a\.x/);
  });

  it("reports an unconnected input, a signal driven twice and a width mismatch, all at once", () => {
    class Bad extends Module {
      readonly w = this.wire("w", 8);
      readonly v = this.wire("v", 16);
      constructor() {
        super(null, "top");
        const a = new AddK(this, "a", 1);
        new AddK(this, "floating", 1);
        this.connect(a.x, this.v);
        this.comb({ reads: [], writes: [this.w] }, () => (this.w.value = 1));
        this.comb({ reads: [], writes: [this.w] }, () => (this.w.value = 2));
        const n = new AddK(this, "narrow", 0);
        this.connect(n.x, this.w);
        this.comb({ reads: [], writes: [this.v] }, () => (this.v.value = 3));
      }
    }
    try {
      new Simulator(new Bad());
      expect.fail("elaboration should fail");
    } catch (e) {
      expect(e).to.be.instanceOf(ElaborationError);
      const problems = (e as ElaborationError).problems.join("\n");
      expect(problems).to.include("unconnected input top.floating.x");
      expect(problems).to.match(/top\.w is driven more than once: by combinational block top\.comb0 .* and by combinational block top\.comb1/);
      expect(problems).to.include("width mismatch: top.narrow.x (16 bits) <- top.w (8 bits)");
    }
  });

  it("results do not depend on the order modules are instantiated in", () => {
    // Several small modules with registers, wires and cross connections, built in shuffled orders.
    class Acc extends Module {
      readonly in = this.input("in", 12);
      readonly out = this.output("out", 12);
      readonly acc = this.reg("acc", 12, { init: 5 });
      constructor(parent: Module, name: string, readonly k: number) {
        super(parent, name);
        this.comb({ reads: [this.in], writes: [this.out] }, () => (this.out.value = this.acc.value ^ this.in.value));
        this.seq(() => (this.acc.next = this.acc.value * this.k + this.in.value));
      }
    }
    class Ring extends Module {
      readonly nodes: Acc[];
      constructor(order: number[]) {
        super(null, "top");
        const made: Acc[] = [];
        for (const i of order) made[i] = new Acc(this, `n${i}`, i + 3);
        this.nodes = made;
        // n0 <- input reg, n(i) <- n(i-1) combinationally: a chain whose evaluation order matters.
        const seed = this.reg("seed", 12, { init: 1 });
        this.seq(() => (seed.next = seed.value + 7));
        this.connect(made[0]!.in, seed);
        for (let i = 1; i < made.length; i++) this.connect(made[i]!.in, made[i - 1]!.out);
      }
    }
    const run = (order: number[]): number[][] => {
      const top = new Ring(order);
      const sim = new Simulator(top);
      const rows: number[][] = [];
      for (let c = 0; c < 40; c++) {
        rows.push(top.nodes.map((n) => sim.peek(n.out)));
        sim.step();
      }
      return rows;
    };
    const reference = run([0, 1, 2, 3, 4, 5]);
    expect(reference[39]).to.not.deep.equal(reference[0]);
    for (const order of [[5, 4, 3, 2, 1, 0], [3, 0, 5, 1, 4, 2], [2, 5, 0, 4, 1, 3]]) {
      expect(run(order)).to.deep.equal(reference);
    }
  });

  it("masks values to the width at 1, 7, 32, 33, 64 and 512 bits", () => {
    class Widths extends Module {
      readonly w1 = this.reg("w1", 1);
      readonly w7 = this.reg("w7", 7);
      readonly w32 = this.reg("w32", 32);
      readonly w33 = this.regWide("w33", 33);
      readonly w64 = this.regWide("w64", 64);
      readonly w512 = this.regWide("w512", 512);
      readonly o7 = this.output("o7", 7);
      constructor() {
        super(null, "top");
        this.comb({ reads: [], writes: [this.o7] }, () => (this.o7.value = 0x1ff));
        this.seq(() => {
          this.w1.next = 3;
          this.w7.next = 0x1234;
          this.w32.next = 2 ** 32 + 5;
          this.w33.next = (1n << 40n) - 1n;
          this.w64.next = (1n << 70n) + 0x8000_0000_0000_0001n;
          this.w512.next = (1n << 600n) - 1n;
        });
      }
    }
    const top = new Widths();
    const sim = new Simulator(top);
    sim.step();
    expect(sim.peek(top.w1)).to.equal(1);
    expect(sim.peek(top.w7)).to.equal(0x34);
    expect(sim.peek(top.w32)).to.equal(5);
    expect(sim.peek(top.o7)).to.equal(0x7f);
    expect(sim.peek(top.w33)).to.equal((1n << 33n) - 1n);
    expect(sim.peek(top.w64)).to.equal(0x8000_0000_0000_0001n);
    expect(sim.peek(top.w512)).to.equal((1n << 512n) - 1n);
    expect(top.w512.word(15)).to.equal(0xffffffff);
    expect(top.w33.word(1)).to.equal(1);
  });

  it("gives signed views", () => {
    class Signed extends Module {
      readonly b8 = this.reg("b8", 8, { init: 0xff });
      readonly b32 = this.reg("b32", 32, { init: 0x80000000 });
      readonly b5 = this.reg("b5", 5, { init: 0x0f });
      readonly w = this.regWide("w", 72, { init: (1n << 72n) - 2n });
      constructor() {
        super(null, "top");
      }
    }
    const top = new Signed();
    new Simulator(top);
    expect(top.b8.signed).to.equal(-1);
    expect(top.b8.value).to.equal(255);
    expect(top.b32.signed).to.equal(-(2 ** 31));
    expect(top.b32.value).to.equal(2 ** 31);
    expect(top.b5.signed).to.equal(15);
    expect(top.w.signed).to.equal(-2n);
  });

  it("resets synchronously to the declared init values, registers marked resettable:false keep theirs", () => {
    class Resettable extends Module {
      readonly r = this.reg("r", 8, { init: 42 });
      readonly keep = this.reg("keep", 8, { init: 7, resettable: false });
      readonly wide = this.regWide("wide", 100, { init: 123n });
      constructor() {
        super(null, "top");
        this.seq(() => {
          this.r.next = this.r.value + 1;
          this.keep.next = this.keep.value + 1;
          this.wide.next = this.wide.value + 1n;
        });
      }
    }
    const top = new Resettable();
    const sim = new Simulator(top);
    sim.step(5);
    expect(sim.peek(top.r)).to.equal(47);
    expect(sim.peek(top.wide)).to.equal(128n);
    // While reset is held, the value does not change until the edge: synchronous.
    sim.poke(top.reset, 1);
    expect(sim.peek(top.r)).to.equal(47);
    sim.step();
    sim.poke(top.reset, 0);
    expect(sim.peek(top.r)).to.equal(42);
    expect(sim.peek(top.wide)).to.equal(123n);
    expect(sim.peek(top.keep)).to.equal(13);
    sim.reset(3);
    expect(sim.peek(top.r)).to.equal(42);
    sim.step();
    expect(sim.peek(top.r)).to.equal(43);
  });

  it("peeks and pokes by handle and by hierarchical name, and refuses to poke a driven wire", () => {
    const top = new Chain3(false);
    const sim = new Simulator(top);
    sim.poke("top.in", 7);
    expect(sim.peek("top.out")).to.equal(13);
    expect(sim.peek(top.stages[0]!.y)).to.equal(8);
    expect(() => sim.poke("top.s0.y", 1)).to.throw(/cannot poke top\.s0\.y/);
    expect(() => sim.peek("top.nope")).to.throw(/no signal 'top\.nope'/);
  });

  it("runUntil stops when the condition holds and throws past the limit", () => {
    const top = new Swap();
    const sim = new Simulator(top);
    class Count extends Module {
      readonly c = this.reg("c", 16);
      constructor() {
        super(null, "top");
        this.seq(() => (this.c.next = this.c.value + 1));
      }
    }
    const t2 = new Count();
    const s2 = new Simulator(t2);
    expect(s2.runUntil(() => t2.c.value === 10, 100)).to.equal(10);
    expect(s2.cycle).to.equal(10);
    expect(() => s2.runUntil(() => t2.c.value === 5, 50)).to.throw(/not met within 50 cycles/);
    expect(sim.cycle).to.equal(0);
  });

  it("wide registers add, shift and compare through words without losing bits", () => {
    class WideAcc extends Module {
      readonly acc = this.regWide("acc", 128, { init: 0xffff_ffffn });
      readonly low: Bits = this.output("low", 32);
      readonly copy: WideBits = this.wireWide("copy", 128);
      constructor() {
        super(null, "top");
        this.comb({ reads: [], writes: [this.copy, this.low] }, () => {
          this.copy.copyFrom(this.acc);
          this.low.value = this.acc.word(0);
        });
        this.seq(() => (this.acc.next = this.acc.value * 3n));
      }
    }
    const top = new WideAcc();
    const sim = new Simulator(top);
    sim.step(40);
    const expected = (0xffff_ffffn * 3n ** 40n) & ((1n << 128n) - 1n);
    expect(sim.peek(top.acc)).to.equal(expected);
    expect(sim.peek(top.copy)).to.equal(expected);
    expect(sim.peek(top.low)).to.equal(Number(expected & 0xffff_ffffn));
  });
});
