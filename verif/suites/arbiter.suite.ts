/**
 * Coverage-driven testbench of the library round-robin arbiter (hw/rtl/lib/round-robin-arbiter.ts)
 * with 4 requesters: requesters hold their request until granted (as real clients do), a
 * reference model predicts every grant (in-order scoreboard), assertions check one-hot grants,
 * grants only to requesters, and fairness (a held request is granted within n cycles).
 */
import { Simulator, type Bits } from "../../hw/rtl/index.ts";
import { RoundRobinArbiter } from "../../hw/rtl/lib/index.ts";
import { bins } from "../coverage/bins.ts";
import { attach } from "../hw.ts";
import { defineSuite, type TestContext } from "../runner/suite.ts";
import { Bench, Scoreboard, type Clocked } from "../stream.ts";

const N = 4;

function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

function arbiterTest(ctx: TestContext, cycles: number): void {
  const dut = new RoundRobinArbiter(null, "rr4", N);
  const sim = attach(ctx, new Simulator(dut), { toggle: ["rr4"], assertions: "manual" });
  const priority = sim.signal("rr4.priority") as Bits;

  const cg = ctx.coverage.group("rr4");
  const req = cg.coverpoint("req", { width: N, sample: () => dut.req.value });
  const grant = cg.coverpoint("grant", {
    bins: { none: 0, g0: 1, g1: 2, g2: 4, g3: 8, rotate01: bins.seq(1, 2), rotate12: bins.seq(2, 4), rotate23: bins.seq(4, 8), rotate30: bins.seq(8, 1) },
    illegal: { not_one_hot: bins.values(3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15) },
    sample: () => dut.grant.value,
  });
  const prio = cg.coverpoint("priority", { min: 0, max: N - 1, sample: () => priority.value });
  const contenders = cg.coverpoint("contenders", { bins: { none: 0, one: 1, two: 2, three: 3, all: 4 }, sample: () => popcount(dut.req.value) });
  cg.cross("priority_x_grant", [prio, grant], { ignore: [{ grant: "none" }] });
  cg.cross("priority_x_contenders", [prio, contenders]);
  const sampler: Clocked = { sample: () => { if (dut.reset.value === 0 && dut.en.value === 1) cg.sample(); } };

  const a = ctx.assertions;
  a.always("grant is one-hot or zero", () => (dut.grant.value & (dut.grant.value - 1)) === 0);
  a.never("grant without request", () => (dut.grant.value & ~dut.req.value) !== 0);
  a.always("grant_valid iff any request", () => dut.grant_valid.value === (dut.req.value !== 0 ? 1 : 0));
  for (let i = 0; i < N; i++)
    a.eventually(`requester ${i} served within 64 cycles`, () => ((dut.req.value >>> i) & 1) === 1, 64, () => ((dut.grant.value >>> i) & 1) === 1);

  // Reference model: round-robin from a priority pointer.
  let modelPrio = 0;
  const sb = new Scoreboard<number>("grants", { order: "in-order", show: (g) => `0b${g.toString(2).padStart(N, "0")}` });
  // Requesters: each raises a request at random and holds it until granted.
  const rng = ctx.rng.fork("req");
  let want = 0;
  let rate = 0.3;
  let enRate = 0.9;
  const driver: Clocked = {
    drive() {
      for (let i = 0; i < N; i++) if (((want >>> i) & 1) === 0 && rng.bool(rate)) want |= 1 << i;
      sim.poke(dut.req, want);
      sim.poke(dut.en, rng.bool(enRate) ? 1 : 0);
    },
    sample() {
      if (dut.reset.value === 1) return;
      let exp = 0;
      for (let k = 0; k < N; k++) {
        const i = (modelPrio + k) % N;
        if ((want >>> i) & 1) {
          exp = 1 << i;
          break;
        }
      }
      sb.expect(exp);
      sb.actual(dut.grant.value);
      if (dut.en.value === 1 && exp !== 0) {
        modelPrio = (31 - Math.clz32(exp) + 1) % N;
        want &= ~exp;
      }
    },
  };
  const modes = ctx.stimulus.chooser<[number, number]>([
    { value: [0.3, 0.9], weight: 3 },
    { value: [0.95, 1], reaches: [{ item: contenders, bin: "all" }, { item: contenders, bin: "three" }] },
    { value: [0.05, 1], reaches: [{ item: contenders, bin: "none" }, { item: contenders, bin: "one" }, { item: grant, bin: "none" }] },
    { value: [0.5, 0.3], reaches: [{ item: req, bin: "15" }] },
  ]);
  const bench = new Bench(sim, [driver, sampler], a);
  sim.reset(1);
  for (let c = 0; c < cycles; c += 8) {
    [rate, enRate] = modes.pick();
    bench.run(8);
  }
  ctx.log(`${sb.matched} grants checked`);
}

export default defineSuite({
  description: "library round-robin arbiter (4 requesters), coverage-driven request patterns",
  tests: [{ name: "requests", coverageDriven: true, run: (ctx) => arbiterTest(ctx, 400) }],
});
