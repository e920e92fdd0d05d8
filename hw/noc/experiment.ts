/**
 * One measurement point the way BookSim2 runs it (sim_type = latency): warm-up, then a
 * measurement window in which created packets are tagged, then a drain phase that runs until
 * every tagged packet has arrived. Latency = tail arrival - packet creation (source queueing
 * included); network latency = tail arrival - head injection; accepted throughput = flits
 * ejected during the window per node per cycle; hops = routers traversed.
 * Pure simulation: no wall-clock, no I/O (callers time it).
 */
import { Simulator } from "../rtl/index.ts";
import type { RouterParams } from "./params.ts";
import { TrafficMesh, type PatternSpec } from "./traffic.ts";

export interface ExperimentOptions {
  width: number;
  height: number;
  router: RouterParams;
  pattern: PatternSpec;
  /** Offered load, packets per node per cycle. */
  rate: number;
  packetSize: number;
  seed: number;
  /** Warm-up cycles (BookSim2: warmup_periods x sample_period = 3 x 1000). */
  warmup: number;
  /** Measurement window in cycles. */
  measure: number;
  /** Run the drain phase (latency mode); without it only throughput is meaningful. Default true. */
  drain?: boolean;
  /** Give up draining after this many cycles (the point is then reported unstable). Default 20 x measure. */
  drainLimit?: number;
}

export interface ExperimentResult {
  rate: number;
  /** Average packet latency (cycles), packets created in the window. */
  latency: number;
  networkLatency: number;
  minLatency: number;
  maxLatency: number;
  /** Accepted throughput, flits per node per cycle, during the window. */
  accepted: number;
  /** Average routers traversed. */
  hops: number;
  packets: number;
  /** Cycles simulated (warm-up + window + drain). */
  cycles: number;
  /** false when the drain did not finish (offered load above saturation). */
  stable: boolean;
}

export interface Experiment {
  top: TrafficMesh;
  sim: Simulator;
}

export function buildExperiment(o: ExperimentOptions): Experiment {
  const top = new TrafficMesh(null, "noc", {
    width: o.width,
    height: o.height,
    router: o.router,
    pattern: o.pattern,
    rate: o.rate,
    packetSize: o.packetSize,
    seed: o.seed,
  });
  const sim = new Simulator(top);
  sim.reset();
  sim.poke(top.win_start, o.warmup);
  sim.poke(top.win_end, o.warmup + o.measure);
  return { top, sim };
}

function totals(top: TrafficMesh): { created: number; received: number } {
  let created = 0;
  let received = 0;
  for (const e of top.endpoints) {
    created += e.created.value;
    received += e.received.value;
  }
  return { created, received };
}

export function runExperiment(o: ExperimentOptions): ExperimentResult {
  const { top, sim } = buildExperiment(o);
  sim.step(o.warmup + o.measure);
  let cycles = o.warmup + o.measure;
  let stable = true;
  if (o.drain !== false) {
    const limit = o.drainLimit ?? 20 * o.measure;
    let drained = 0;
    for (;;) {
      const t = totals(top);
      if (t.received >= t.created) break;
      if (drained >= limit) {
        stable = false;
        break;
      }
      sim.step(50);
      drained += 50;
    }
    cycles += drained;
  }
  return summarize(top, o, cycles, stable);
}

export function summarize(top: TrafficMesh, o: ExperimentOptions, cycles: number, stable: boolean): ExperimentResult {
  let n = 0;
  let plat = 0;
  let nlat = 0;
  let hops = 0;
  let acc = 0;
  let min = Infinity;
  let max = 0;
  for (const e of top.endpoints) {
    n += e.received.value;
    plat += e.platHi.value * 4294967296 + e.platLo.value;
    nlat += e.nlatHi.value * 4294967296 + e.nlatLo.value;
    hops += e.hopSum.value;
    acc += e.accepted.value;
    if (e.received.value > 0) {
      min = Math.min(min, e.platMin.value);
      max = Math.max(max, e.platMax.value);
    }
  }
  const nodes = top.endpoints.length;
  return {
    rate: o.rate,
    latency: n ? plat / n : NaN,
    networkLatency: n ? nlat / n : NaN,
    minLatency: n ? min : NaN,
    maxLatency: n ? max : NaN,
    accepted: acc / nodes / o.measure,
    hops: n ? hops / n : NaN,
    packets: n,
    cycles,
    stable,
  };
}
