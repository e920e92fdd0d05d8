import { expect } from "chai";
import { Module, Simulator, type Bits } from "../../hw/rtl/index.ts";
import { AssertionFailure, Assertions } from "../../verif/assert/assertions.ts";
import { Coverage } from "../../verif/coverage/covergroup.ts";
import { IllegalBinError } from "../../verif/coverage/coverpoint.ts";
import { FsmCoverage } from "../../verif/coverage/fsm.ts";
import { ToggleCoverage } from "../../verif/coverage/toggle.ts";
import { totalScore } from "../../verif/coverage/db.ts";
import { resolveSuite } from "../../verif/runner/discover.ts";
import { runTest } from "../../verif/runner/run-test.ts";
import { loadSuite } from "../../verif/runner/worker.ts";
import { Scoreboard, ScoreboardError } from "../../verif/stream.ts";

class Fsm extends Module {
  readonly go: Bits;
  readonly state: Bits;
  constructor() {
    super(null, "top");
    this.go = this.input("go", 1);
    this.state = this.reg("state", 2, { fsm: { IDLE: 0, RUN: 1, DONE: 2 } });
    this.seq(() => {
      const s = this.state.value;
      if (s === 0 && this.go.value === 1) this.state.next = 1;
      else if (s === 1) this.state.next = 2;
      else if (s === 2) this.state.next = 0;
    });
  }
}

describe("verif: assertions", () => {
  const run = (a: Assertions, n: number): number => {
    for (let c = 0; c < n; c++) {
      try {
        a.check(c);
      } catch (e) {
        return (e as AssertionFailure).cycle;
      }
    }
    return -1;
  };

  it("always / never fail on the first bad cycle, naming the assertion", () => {
    let c = 0;
    const a = new Assertions().always("small", () => c < 3);
    for (c = 0; c < 3; c++) a.check(c);
    expect(() => a.check(c)).to.throw(AssertionFailure, "assertion 'small' failed at cycle 3");
    let d = 0;
    const b = new Assertions().never("is seven", () => d === 7);
    for (d = 0; d < 7; d++) b.check(d);
    expect(() => b.check(7)).to.throw(/'is seven' failed at cycle 7/);
  });

  it("eventually within N: passes when the condition comes in time, fails at the deadline", () => {
    let t = 0;
    const trig = () => t === 2;
    const ok = new Assertions().eventually("ack", trig, 3, () => t === 5);
    expect(run(ok, 10)).to.equal(-1);
    const late = new Assertions().eventually("ack", trig, 3, () => t === 6);
    const fails = (a: Assertions): number => {
      for (t = 0; t < 10; t++)
        try {
          a.check(t);
        } catch (e) {
          return (e as AssertionFailure).cycle;
        }
      return -1;
    };
    expect(fails(late)).to.equal(5);
    expect(fails(new Assertions().eventually("ack", trig, 3, () => t === 5))).to.equal(-1);
  });

  it("implies next cycle and stable while", () => {
    const seq = [0, 1, 1, 0, 0];
    let t = 0;
    const a = new Assertions().impliesNext("1 then 1", () => seq[t] === 1 && t < 2, () => seq[t] === 1);
    for (t = 0; t < 5; t++) a.check(t);
    const b = new Assertions().impliesNext("1 then 1 always", () => seq[t] === 1, () => seq[t] === 1);
    let failed = -1;
    for (t = 0; t < 5; t++)
      try {
        b.check(t);
      } catch (e) {
        failed = (e as AssertionFailure).cycle;
        break;
      }
    expect(failed).to.equal(3);
    const data = [5, 5, 5, 6, 7];
    const hold = [1, 1, 0, 1, 0];
    const c = new Assertions().stableWhile("data held", () => data[t]!, () => hold[t] === 1);
    for (t = 0; t < 3; t++) c.check(t);
    t = 3;
    c.check(3); // hold was 0 at cycle 2: may change
    t = 4;
    expect(() => c.check(4)).to.throw(/'data held' failed at cycle 4: value changed from 6 to 7/);
  });
});

describe("verif: toggle and FSM coverage from the kernel", () => {
  it("counts 0->1 and 1->0 per bit and FSM states and arcs", () => {
    const dut = new Fsm();
    const sim = new Simulator(dut);
    const cov = new Coverage();
    const tog = new ToggleCoverage("top", sim.signals());
    const fsm = new FsmCoverage(dut.state, { IDLE: 0, RUN: 1, DONE: 2 }, [["IDLE", "RUN"], ["RUN", "DONE"], ["DONE", "IDLE"]]);
    cov.add(tog);
    cov.add(fsm);
    sim.onCycle(() => {
      tog.sample();
      fsm.sample();
    });
    sim.reset(1);
    sim.poke(dut.go, 1);
    sim.step(1);
    let db = cov.toDb();
    const state = db.groups["toggle:top"]!.items.state!;
    expect(state.bins).to.deep.equal(["b0 0->1", "b0 1->0", "b1 0->1", "b1 1->0"]);
    expect(state.counts).to.deep.equal([1, 0, 0, 0]);
    sim.step(2); // RUN -> DONE -> IDLE
    db = cov.toDb();
    expect(db.groups["toggle:top"]!.items.state!.counts).to.deep.equal([1, 1, 1, 1]);
    expect(db.groups["fsm:top.state"]!.items.transitions!.bins).to.deep.equal(["IDLE->RUN", "RUN->DONE", "DONE->IDLE"]);
    expect(db.groups["fsm:top.state"]!.items.transitions!.counts).to.deep.equal([1, 1, 1]);
    expect(db.groups["fsm:top.state"]!.items.transitions!.illegal).to.deep.equal(["IDLE->DONE", "RUN->IDLE", "DONE->RUN"]);
    expect(totalScore(db, ["fsm"])).to.equal(100);
    sim.poke(dut.state, 3); // not a named state: the FSM holds it
    expect(() => sim.step(1)).to.throw(IllegalBinError, /unknown state/);
    // an arc left out of the legal list is an illegal bin hit
    const sim2 = new Simulator(new Fsm());
    const strict = new FsmCoverage(sim2.top.signals.find((s) => s.name === "state") as Bits, { IDLE: 0, RUN: 1, DONE: 2 }, [["IDLE", "RUN"], ["RUN", "DONE"]]);
    sim2.onCycle(() => strict.sample());
    sim2.reset(1);
    sim2.poke("top.go", 1);
    sim2.step(2);
    expect(() => sim2.step(1)).to.throw(IllegalBinError, /DONE->IDLE/);
  });
});

describe("verif: scoreboards", () => {
  it("in order: reports the first mismatch and missing items", () => {
    const sb = new Scoreboard<number>("sb");
    sb.expect(1);
    sb.expect(2);
    sb.actual(1);
    expect(() => sb.actual(3)).to.throw(ScoreboardError, "sb: item 1: expected 2, got 3");
    const sb2 = new Scoreboard<number>("sb2");
    sb2.expect(4);
    expect(() => sb2.finish()).to.throw(/1 expected item\(s\) never seen \(first: 4\)/);
  });
  it("out of order: matches by key", () => {
    const sb = new Scoreboard<{ id: number; v: number }>("ooo", { order: "out-of-order", key: (x) => x.id, equal: (a, b) => a.id === b.id && a.v === b.v });
    sb.expect({ id: 1, v: 10 });
    sb.expect({ id: 2, v: 20 });
    sb.actual({ id: 2, v: 20 });
    sb.actual({ id: 1, v: 10 });
    sb.finish();
    expect(sb.matched).to.equal(2);
    expect(() => sb.actual({ id: 3, v: 0 })).to.throw(/unexpected item/);
  });
});

describe("verif: library block testbenches", function () {
  this.timeout(30000);
  for (const [suite, test] of [["fifo", "traffic"], ["fifo", "pipe"], ["skid", "stalls"], ["arbiter", "requests"]] as const)
    it(`${suite}/${test} passes and reaches 100% functional and toggle coverage`, async () => {
      const s = await loadSuite(resolveSuite(suite).file);
      const r = await runTest(suite, s, test, 1);
      expect(r.status, r.message).to.equal("pass");
      const db = r.coverage!;
      expect(Object.values(db.groups).some((g) => g.kind === "toggle")).to.equal(true);
      expect(totalScore(db, ["covergroup"])).to.equal(100);
      expect(totalScore(db, ["toggle"])).to.equal(100);
    });
});
