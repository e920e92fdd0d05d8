/**
 * Coverage-driven testbench of the library FIFO (hw/rtl/lib/fifo.ts): random traffic with
 * random stalls on both sides, phases chosen toward coverage holes, an in-order scoreboard
 * against a queue model, protocol assertions, a covergroup over occupancy and operations,
 * and toggle coverage of the whole block.
 */
import { Simulator } from "../../hw/rtl/index.ts";
import { Fifo } from "../../hw/rtl/lib/index.ts";
import { bins } from "../coverage/bins.ts";
import { attach } from "../hw.ts";
import type { TestContext } from "../runner/suite.ts";
import { defineSuite } from "../runner/suite.ts";
import { Bench, Scoreboard, StreamDriver, StreamMonitor, StreamSink, type Clocked } from "../stream.ts";

export interface FifoTestOptions {
  depth: number;
  width: number;
  cycles: number;
  /** Cycles per traffic phase (a phase has one mode: fill, drain, burst, balanced). */
  phase: number;
  pipe?: boolean;
}

type Mode = "fill" | "drain" | "burst" | "balanced";
const STALLS: Record<Mode, [number, number]> = { fill: [0.05, 0.9], drain: [0.9, 0.05], burst: [0, 0], balanced: [0.5, 0.5] };

export function fifoTest(ctx: TestContext, o: FifoTestOptions): void {
  const D = o.depth;
  // Distinct names per configuration: groups of differently shaped designs must not merge.
  const name = `fifo_d${D}${o.pipe ? "_pipe" : ""}`;
  const dut = new Fifo(null, name, { width: o.width, depth: D, pipe: o.pipe ?? false });
  const sim = attach(ctx, new Simulator(dut), { toggle: [name], assertions: "manual" });
  const rng = ctx.rng;

  // Coverage.
  const cg = ctx.coverage.group(name);
  const enq = (): number => dut.in_valid.value & dut.in_ready.value;
  const deq = (): number => dut.out_valid.value & dut.out_ready.value;
  const level = cg.coverpoint("level", {
    bins: { empty: 0, low: bins.range(1, D >> 1), high: bins.range((D >> 1) + 1, D - 1), full: D, fill_up: bins.seq(D - 1, D), leave_full: bins.seq(D, D - 1), first: bins.seq(0, 1), drained: bins.seq(1, 0) },
    illegal: { overflow: bins.range(D + 1, 2 ** Math.ceil(Math.log2(D + 1)) - 1) },
    sample: () => dut.count.value,
  });
  const op = cg.coverpoint("op", { bins: { idle: 0, push: 1, pop: 2, both: 3 }, sample: () => enq() | (deq() << 1) });
  const blocked = cg.coverpoint("in_blocked", { bins: { no: 0, yes: 1 }, sample: () => dut.in_valid.value & (dut.in_ready.value ^ 1) });
  const data = cg.coverpoint("data", { width: o.width, autoBins: 8, sample: () => dut.in_data.value });
  const cross = cg.cross("level_x_op", [level, op], {
    // A pipe FIFO accepts when full only if it also delivers (op both); a plain one never does.
    ignore: [{ level: "empty", op: ["pop", "both"] }, { level: "full", op: o.pipe ? ["push"] : ["push", "both"] }],
  });
  void blocked;
  void data;
  const sampler: Clocked = {
    sample() {
      if (dut.reset.value === 0) cg.sample();
    },
  };

  // Assertions (checked after every cycle by attach).
  const a = ctx.assertions;
  a.never("count never above depth", () => dut.count.value > D);
  a.always("in_ready iff not full", () => (dut.in_ready.value === 1) === (dut.count.value < D || (o.pipe === true && dut.out_ready.value === 1)));
  a.always("out_valid iff not empty", () => (dut.out_valid.value === 1) === (dut.count.value > 0));
  a.stableWhile("out_data stable while stalled", () => dut.out_data.value, () => dut.out_valid.value === 1 && dut.out_ready.value === 0);
  a.eventually("a stalled output drains", () => dut.out_valid.value === 1, 64, () => dut.out_ready.value === 1);

  // Stimulus, model, scoreboard.
  const port = { in: { valid: dut.in_valid, ready: dut.in_ready, data: dut.in_data }, out: { valid: dut.out_valid, ready: dut.out_ready, data: dut.out_data } };
  const src = new StreamDriver(sim, port.in, rng.fork("src"));
  const sink = new StreamSink(sim, dut.out_ready, rng.fork("sink"));
  const sb = new Scoreboard<number>("fifo data", { order: "in-order" });
  const inMon = new StreamMonitor(port.in, (d) => sb.expect(d));
  const outMon = new StreamMonitor(port.out, (d) => sb.actual(d));
  const modes = ctx.stimulus.chooser<Mode>([
    { value: "balanced", weight: 4 },
    { value: "fill", weight: 1, reaches: [{ item: level, bin: "full" }, { item: level, bin: "fill_up" }, { item: level, bin: "leave_full" }, { item: cross, bin: "full,idle" }, { item: cross, bin: "full,pop" }, { item: blocked, bin: "yes" }] },
    { value: "drain", weight: 1, reaches: [{ item: level, bin: "empty" }, { item: level, bin: "drained" }, { item: cross, bin: "empty,idle" }, { item: cross, bin: "empty,push" }] },
    { value: "burst", weight: 1, reaches: [{ item: cross, bin: "low,both" }, { item: cross, bin: "high,both" }, { item: op, bin: "both" }] },
  ]);
  const dataRng = rng.fork("data");
  const bench = new Bench(sim, [src, sink, sampler, inMon, outMon], ctx.assertions);

  sim.reset(2);
  for (let c = 0; c < o.cycles; c += o.phase) {
    const m = modes.pick();
    [src.stall, sink.stall] = STALLS[m];
    while (src.pending < o.phase) src.push(ctx.stimulus.valueFor(data, () => dataRng.bits(o.width)));
    bench.run(o.phase);
  }
  // Drain and check everything came out.
  src.clear();
  sink.stall = 0;
  bench.runUntil(() => dut.count.value === 0 && src.pending === 0, D + 4);
  sb.finish();
  ctx.log(`${sb.matched} items, ${sim.cycle} cycles`);
}

export default defineSuite({
  description: "library FIFO: depth 8 and a pipe variant, coverage-driven traffic",
  tests: [
    { name: "traffic", coverageDriven: true, run: (ctx) => fifoTest(ctx, { depth: 8, width: 8, cycles: 400, phase: 16 }) },
    { name: "pipe", coverageDriven: true, run: (ctx) => fifoTest(ctx, { depth: 4, width: 8, cycles: 300, phase: 12, pipe: true }) },
  ],
});
