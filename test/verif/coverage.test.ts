import { expect } from "chai";
import { bins } from "../../verif/coverage/bins.ts";
import { Covergroup, Coverage } from "../../verif/coverage/covergroup.ts";
import { IllegalBinError } from "../../verif/coverage/coverpoint.ts";
import { groupScore, itemScore, totalScore } from "../../verif/coverage/db.ts";
import { textReport, writeHtmlReport } from "../../verif/coverage/report.ts";
import { Stimulus } from "../../verif/coverage/driven.ts";
import { Rng } from "../../verif/random/rng.ts";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("verif/coverage: bins", () => {
  it("automatic bins: one per value up to the limit, else split with the last bin taking the rest", () => {
    const cg = new Covergroup("g");
    const small = cg.coverpoint("small", { width: 4 });
    expect(small.binNames).to.have.length(16);
    expect(small.binNames[5]).to.equal("5");
    const big = cg.coverpoint("big", { min: 0, max: 99 });
    expect(big.binNames).to.have.length(64);
    expect(big.binDefs[0]).to.equal("0");
    expect(big.binDefs[63]).to.equal("[63:99]");
    const four = cg.coverpoint("four", { width: 8, autoBins: 4 });
    expect(four.binDefs).to.deep.equal(["[0:63]", "[64:127]", "[128:191]", "[192:255]"]);
    four.sample(200);
    four.sample(64);
    expect(Array.from(four.counts)).to.deep.equal([0, 1, 0, 1]);
  });

  it("explicit values, ranges, unions and split arrays", () => {
    const p = new Covergroup("g").coverpoint("p", { bins: { zero: 0, low: bins.range(1, 3), odd: bins.values(5, 7), q: bins.split(8, 15, 2) } });
    expect(p.binNames).to.deep.equal(["zero", "low", "odd", "q[0]", "q[1]"]);
    for (const v of [0, 2, 3, 5, 6, 7, 9, 15, 99]) p.sample(v);
    expect(Array.from(p.counts)).to.deep.equal([1, 2, 2, 1, 1]);
  });

  it("overlapping bins all count a value", () => {
    const p = new Covergroup("g").coverpoint("p", { bins: { a: bins.range(0, 10), b: bins.range(5, 15) } });
    p.sample(7);
    p.sample(3);
    expect(Array.from(p.counts)).to.deep.equal([2, 1]);
  });

  it("transition bins match consecutive samples, including overlapping starts", () => {
    const p = new Covergroup("g").coverpoint("p", { bins: { up: bins.seq(0, 1, 2), hold: bins.seq(1, ...bins.repeat(bins.range(3, 4), 2)) } });
    for (const v of [0, 1, 2]) p.sample(v);
    expect(p.counts[0]).to.equal(1);
    for (const v of [0, 1, 1, 2]) p.sample(v);
    expect(p.counts[0]).to.equal(1);
    for (const v of [0, 0, 1, 2]) p.sample(v);
    expect(p.counts[0]).to.equal(2);
    for (const v of [1, 3, 4, 1, 3]) p.sample(v);
    expect(p.counts[1]).to.equal(1);
  });

  it("an illegal bin hit throws and is counted", () => {
    const p = new Covergroup("g").coverpoint("p", { width: 3, illegal: { seven: 7, jump: bins.seq(0, 5) } });
    expect(p.binNames).to.have.length(7);
    p.sample(1);
    expect(() => p.sample(7)).to.throw(IllegalBinError, /g\.p bin 'seven' \(value 7\)/);
    p.sample(0);
    expect(() => p.sample(5)).to.throw(IllegalBinError, /'jump'/);
    expect(Array.from(p.illegalCounts)).to.deep.equal([1, 1]);
  });

  it("ignore bins are excluded: values are not counted and all-ignored bins disappear", () => {
    const p = new Covergroup("g").coverpoint("p", { width: 3, ignore: { top: bins.range(6, 7) } });
    expect(p.binNames).to.deep.equal(["0", "1", "2", "3", "4", "5"]);
    for (let v = 0; v < 6; v++) p.sample(v);
    p.sample(6);
    expect(itemScore(p.toDb()).percent).to.equal(100);
    expect(Array.from(p.counts).reduce((a, b) => a + b, 0)).to.equal(6);
    const q = new Covergroup("h").coverpoint("q", { bins: { all: bins.range(0, 9) }, ignore: { odd: bins.values(1, 3) } });
    q.sample(1);
    q.sample(2);
    expect(q.counts[0]).to.equal(1);
  });

  it("crosses count combinations and leave out ignore bins; illegal combinations throw", () => {
    const cg = new Covergroup("g");
    const a = cg.coverpoint("a", { bins: { x: 0, y: 1 } });
    const b = cg.coverpoint("b", { bins: { p: 0, q: 1, r: 2 } });
    const c = cg.cross("ab", [a, b], { ignore: [{ a: "x", b: ["q", "r"] }], illegal: [(m) => m.a === "y" && m.b === "r"] });
    expect(c.binNames).to.deep.equal(["x,p", "y,p", "y,q"]);
    cg.sampleValues({ a: 1, b: 1 });
    cg.sampleValues({ a: 0, b: 2 });
    expect(Array.from(c.counts)).to.deep.equal([0, 0, 1]);
    expect(() => cg.sampleValues({ a: 1, b: 2 })).to.throw(IllegalBinError, /g\.ab bin 'y,r'/);
  });

  it("atLeast, weights and goals shape the scores", () => {
    const cov = new Coverage();
    const g = cov.group("g", { atLeast: 2, goal: 50 });
    const p = g.coverpoint("p", { bins: { a: 0, b: 1 }, weight: 3 });
    const q = g.coverpoint("q", { bins: { c: 0 }, weight: 1, atLeast: 1 });
    p.sample(0);
    q.sample(0);
    expect(groupScore(g.toDb())).to.equal(25); // p 0% * 3 + q 100% * 1
    p.sample(0);
    expect(groupScore(g.toDb())).to.equal(62.5);
    expect(totalScore(cov.toDb())).to.equal(100); // goal 50 met
    const h = cov.group("h");
    h.coverpoint("z", { bins: { z: 0 } });
    expect(totalScore(cov.toDb())).to.equal(50);
  });

  it("samples every cycle of a clock, with a condition", () => {
    const fns: (() => void)[] = [];
    const clock = { onCycle: (f: () => void) => fns.push(f) };
    let v = 0;
    const g = new Covergroup("g");
    const p = g.coverpoint("p", { width: 2, sample: () => v });
    g.sampleOn(clock, () => v !== 3);
    for (v = 0; v < 4; v++) fns.forEach((f) => f());
    expect(Array.from(p.counts)).to.deep.equal([1, 1, 1, 0]);
    expect(g.samples).to.equal(3);
  });

  it("text and HTML reports list holes first", () => {
    const cov = new Coverage();
    const g = cov.group("g");
    const p = g.coverpoint("p", { bins: { hit: 0, missed: 1 } });
    p.sample(0);
    const txt = textReport(cov.toDb());
    expect(txt).to.contain("group g: 50.00%");
    expect(txt).to.contain("HOLE missed");
    const dir = mkdtempSync(join(tmpdir(), "cov-html-"));
    const html = readFileSync(writeHtmlReport(cov.toDb(), dir), "utf8");
    expect(html.indexOf("missed")).to.be.below(html.indexOf("<td>hit</td>"));
  });
});

describe("verif/coverage: coverage-driven stimulus", () => {
  it("leans toward choices that reach holes, and is plain weighted random when off", () => {
    const g = new Covergroup("g");
    const p = g.coverpoint("p", { bins: { common: 0, rare: 1 } });
    const run = (enabled: boolean): number => {
      const s = new Stimulus(new Rng(1), enabled, null);
      const ch = s.chooser([
        { value: 0, weight: 20 },
        { value: 1, weight: 1, reaches: [{ item: p, bin: "rare" }] },
      ]);
      let rare = 0;
      for (let i = 0; i < 2000; i++) if (ch.pick() === 1) rare++;
      return rare;
    };
    const off = run(false);
    const on = run(true);
    expect(off / 2000).to.be.within(0.03, 0.07);
    expect(on / 2000).to.be.within(0.4, 0.5); // 16x boost: 16 / (20 + 16)
    p.sample(1); // covered: no more boost
    const s = new Stimulus(new Rng(1), true, null);
    const ch = s.chooser([{ value: 0, weight: 20 }, { value: 1, weight: 1, reaches: [{ item: p, bin: "rare" }] }]);
    let rare = 0;
    for (let i = 0; i < 2000; i++) if (ch.pick() === 1) rare++;
    expect(rare / 2000).to.be.below(0.08);
  });

  it("valueFor aims at value bins that are holes, counting prior coverage", () => {
    const cov = new Coverage();
    const g = cov.group("g");
    const p = g.coverpoint("p", { bins: { a: 0, b: bins.range(1, 9), c: bins.range(10, 99) } });
    const prior = cov.toDb();
    prior.groups.g!.items.p!.counts = [5, 5, 0];
    const s = new Stimulus(new Rng(3), true, prior);
    s.aim = 1;
    for (let i = 0; i < 50; i++) expect(s.valueFor(p, () => 0)).to.be.within(10, 99);
    p.sample(50);
    expect(s.valueFor(p, () => -1)).to.equal(-1); // no holes left
  });
});
