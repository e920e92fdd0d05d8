import { expect } from "chai";
import { randClass, UnsatisfiableError } from "../../verif/random/constraints.ts";
import { Rng, WeightedTable } from "../../verif/random/rng.ts";

describe("verif/random: Rng", () => {
  it("gives the same stream for the same seed and different streams for different seeds", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).to.deep.equal(sa);
    expect(Array.from({ length: 8 }, () => c.next())).to.not.deep.equal(sa);
    for (const x of sa) expect(x).to.be.within(0, 0xffffffff);
  });

  it("int() stays in range and hits every value; float() is in [0, 1)", () => {
    const r = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const x = r.int(-3, 3);
      expect(x).to.be.within(-3, 3);
      seen.add(x);
      const f = r.float();
      expect(f >= 0 && f < 1).to.equal(true);
    }
    expect(seen.size).to.equal(7);
    expect(r.int(5, 5)).to.equal(5);
    expect(() => r.int(3, 2)).to.throw(RangeError);
    const big = r.int(0, 2 ** 40);
    expect(big).to.be.within(0, 2 ** 40);
  });

  it("weighted choices follow their weights", () => {
    const r = new Rng(7);
    const n = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20000; i++) n[r.weighted({ a: 1, b: 3, c: 0 })]++;
    expect(n.c).to.equal(0);
    expect(n.b / n.a).to.be.within(2.7, 3.3);
    const t = new WeightedTable(["x", "y"], [9, 1]);
    let x = 0;
    for (let i = 0; i < 10000; i++) if (t.pick(r) === "x") x++;
    expect(x / 10000).to.be.within(0.87, 0.93);
  });

  it("fork(label) does not depend on numbers drawn before; split() gives an independent stream", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    for (let i = 0; i < 10; i++) b.next();
    expect(a.fork("drv").next()).to.equal(b.fork("drv").next());
    expect(a.fork("drv").next()).to.not.equal(a.fork("mon").next());
    const s1 = new Rng(9).split();
    const s2 = new Rng(9).split();
    expect(s1.next()).to.equal(s2.next());
    expect(new Rng(9).split().next()).to.not.equal(new Rng(9).next());
  });

  it("distributions have the right means", () => {
    const r = new Rng(3);
    let s = 0;
    let e = 0;
    let p = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      s += r.normal(10, 2);
      e += r.exponential(4);
      p += r.poisson(3);
    }
    expect(s / n).to.be.within(9.9, 10.1);
    expect(e / n).to.be.within(3.8, 4.2);
    expect(p / n).to.be.within(2.9, 3.1);
  });
});

describe("verif/random: constrained random", () => {
  const READ = 0;
  const Packet = randClass()
    .rand("kind", { dist: [{ value: READ, weight: 3 }, { value: 1, weight: 1 }] })
    .rand("len", { min: 1, max: 64 })
    .rand("addr", { width: 12 })
    .constraint("aligned", ["addr", "len"], (v) => v.addr % v.len === 0)
    .implies("reads are short", ["kind", "len"], (v) => v.kind === READ, (v) => v.len <= 8)
    .solveBefore(["kind"], ["len"])
    .build();

  it("every solution satisfies the constraints, and dist weights shape the result", () => {
    const r = new Rng(11);
    let reads = 0;
    for (let i = 0; i < 2000; i++) {
      const p = Packet.randomize(r);
      expect(p.addr % p.len).to.equal(0);
      if (p.kind === READ) {
        reads++;
        expect(p.len).to.be.at.most(8);
      }
      expect(p.addr).to.be.within(0, 4095);
    }
    expect(reads / 2000).to.be.within(0.7, 0.8);
  });

  it("solves in the solveBefore order and supports inline constraints", () => {
    expect(Packet.order).to.deep.equal(["kind", "len", "addr"]);
    const r = new Rng(2);
    for (let i = 0; i < 200; i++) {
      const p = Packet.randomize(r, [{ name: "long", vars: ["len"], check: (v) => v.len > 32 }]);
      expect(p.len).to.be.above(32);
      expect(p.kind).to.equal(1);
    }
  });

  it("unique() gives distinct values", () => {
    const C = randClass().rand("a", { min: 0, max: 3 }).rand("b", { min: 0, max: 3 }).rand("c", { min: 0, max: 3 }).rand("d", { min: 0, max: 3 }).unique(["a", "b", "c", "d"]).build();
    const r = new Rng(4);
    for (let i = 0; i < 300; i++) {
      const v = C.randomize(r);
      expect(new Set([v.a, v.b, v.c, v.d]).size).to.equal(4);
    }
  });

  it("throws a clear error naming the variables and constraints when unsatisfiable", () => {
    const Bad = randClass()
      .rand("x", { min: 0, max: 10 })
      .rand("y", { min: 0, max: 10 })
      .constraint("sum is 30", ["x", "y"], (v) => v.x + v.y === 30)
      .build();
    try {
      Bad.randomize(new Rng(1));
      expect.fail("no error");
    } catch (e) {
      expect(e).to.be.instanceOf(UnsatisfiableError);
      const u = e as UnsatisfiableError;
      expect(u.message).to.match(/unsatisfiable/);
      expect(u.message).to.contain("sum is 30");
      expect(u.variables).to.deep.equal(["x", "y"]);
      expect(u.constraints).to.deep.equal(["sum is 30"]);
    }
  });

  it("backtracks out of dead ends", () => {
    const C = randClass()
      .rand("a", { min: 0, max: 100 })
      .rand("b", { min: 0, max: 5 })
      .constraint("a small enough for b", ["a", "b"], (v) => v.a + v.b === 100 && v.b === 5)
      .build();
    const v = C.randomize(new Rng(8));
    expect(v).to.deep.equal({ a: 95, b: 5 });
  });

  it("rejects bad declarations", () => {
    expect(() => randClass().rand("x", { min: 3, max: 1 })).to.throw(/min 3 > max 1/);
    expect(() => randClass().rand("x", { width: 4 }).solveBefore(["x"], ["y" as "x"])).to.throw(/unknown variable 'y'/);
  });
});
