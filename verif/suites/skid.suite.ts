/**
 * Coverage-driven testbench of the library skid buffer (hw/rtl/lib/skid-buffer.ts): random
 * stalls on both sides, occupancy (main + skid entries) and operation coverage with the
 * transitions into and out of the skid entry, protocol assertions, in-order scoreboard.
 */
import { Simulator, type Bits } from "../../hw/rtl/index.ts";
import { SkidBuffer } from "../../hw/rtl/lib/index.ts";
import { bins } from "../coverage/bins.ts";
import { attach } from "../hw.ts";
import { defineSuite, type TestContext } from "../runner/suite.ts";
import { Bench, Scoreboard, StreamDriver, StreamMonitor, StreamSink, type Clocked } from "../stream.ts";

type Mode = "stall_out" | "stall_in" | "stream" | "random";
const STALLS: Record<Mode, [number, number]> = { stall_out: [0.05, 0.85], stall_in: [0.85, 0.05], stream: [0, 0], random: [0.5, 0.5] };

function skidTest(ctx: TestContext, cycles: number): void {
  const dut = new SkidBuffer(null, "skid_w8", 8);
  const sim = attach(ctx, new Simulator(dut), { toggle: ["skid_w8"], assertions: "manual" });
  const mainValid = sim.signal("skid_w8.main_valid") as Bits;
  const skidValid = sim.signal("skid_w8.skid_valid") as Bits;

  const cg = ctx.coverage.group("skid_w8");
  const occ = cg.coverpoint("occupancy", {
    bins: { empty: 0, one: 1, two: 2, fill_skid: bins.seq(1, 2), empty_skid: bins.seq(2, 1), drain: bins.seq(1, 0), start: bins.seq(0, 1) },
    illegal: { skid_without_main: 3 },
    sample: () => mainValid.value + 2 * skidValid.value - (skidValid.value & mainValid.value),
  });
  const op = cg.coverpoint("op", {
    bins: { idle: 0, in: 1, out: 2, both: 3 },
    sample: () => (dut.in_valid.value & dut.in_ready.value) | ((dut.out_valid.value & dut.out_ready.value) << 1),
  });
  const cross = cg.cross("occupancy_x_op", [occ, op], { ignore: [{ occupancy: "empty", op: ["out", "both"] }, { occupancy: "two", op: ["in", "both"] }] });
  const sampler: Clocked = { sample: () => { if (dut.reset.value === 0) cg.sample(); } };

  const a = ctx.assertions;
  a.never("skid entry without main entry", () => skidValid.value === 1 && mainValid.value === 0);
  a.always("in_ready is not skid_valid", () => dut.in_ready.value === (skidValid.value ^ 1));
  a.stableWhile("out_data stable while stalled", () => dut.out_data.value, () => dut.out_valid.value === 1 && dut.out_ready.value === 0);
  a.impliesNext("out_valid held while stalled", () => dut.out_valid.value === 1 && dut.out_ready.value === 0, () => dut.out_valid.value === 1);
  a.eventually("skid entry leaves once the consumer is ready", () => skidValid.value === 1, 40, () => skidValid.value === 0);

  const pin = { valid: dut.in_valid, ready: dut.in_ready, data: dut.in_data };
  const pout = { valid: dut.out_valid, ready: dut.out_ready, data: dut.out_data };
  const src = new StreamDriver(sim, pin, ctx.rng.fork("src"));
  const sink = new StreamSink(sim, dut.out_ready, ctx.rng.fork("sink"));
  const sb = new Scoreboard<number>("skid data", { order: "in-order" });
  const bench = new Bench(sim, [src, sink, sampler, new StreamMonitor(pin, (d) => sb.expect(d)), new StreamMonitor(pout, (d) => sb.actual(d))], a);
  const modes = ctx.stimulus.chooser<Mode>([
    { value: "random", weight: 4 },
    { value: "stall_out", reaches: [{ item: occ, bin: "two" }, { item: occ, bin: "fill_skid" }, { item: cross, bin: "two,idle" }, { item: cross, bin: "one,in" }] },
    { value: "stall_in", reaches: [{ item: occ, bin: "drain" }, { item: cross, bin: "empty,idle" }, { item: cross, bin: "one,out" }] },
    { value: "stream", reaches: [{ item: cross, bin: "one,both" }, { item: occ, bin: "empty_skid" }, { item: cross, bin: "two,out" }] },
  ]);
  const data = ctx.rng.fork("data");
  sim.reset(1);
  for (let c = 0; c < cycles; c += 10) {
    [src.stall, sink.stall] = STALLS[modes.pick()];
    while (src.pending < 10) src.push(data.bits(8));
    bench.run(10);
  }
  src.clear();
  sink.stall = 0;
  bench.runUntil(() => dut.out_valid.value === 0 && src.pending === 0, 8);
  sb.finish();
  ctx.log(`${sb.matched} items`);
}

export default defineSuite({
  description: "library skid buffer, coverage-driven stalls",
  tests: [{ name: "stalls", coverageDriven: true, run: (ctx) => skidTest(ctx, 300) }],
});
