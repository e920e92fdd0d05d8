/**
 * Cycle-exact delivery logs of the NoC, for regression tests of changes that must not alter
 * behaviour (the simulator's speed work): a hash of every flit the NIs deliver, with its cycle,
 * node and all flit words. The expected hashes in delivery-log.test.ts were computed by the
 * model before the speed work; any change of timing, order or content changes them.
 */
import { createHash } from "node:crypto";
import { buildExperiment } from "../../hw/noc/experiment.ts";
import { nodeCode } from "../../hw/noc/flit.ts";
import { DEFAULT_ROUTER, type RouterParams } from "../../hw/noc/params.ts";
import type { PatternName } from "../../hw/noc/traffic.ts";
import { NocTb } from "./tb.ts";

export interface TrafficCase {
  name: string;
  width: number;
  height: number;
  rate: number;
  seed: number;
  packetSize: number;
  cycles: number;
  pattern?: PatternName;
  router?: Partial<RouterParams>;
}

/** Synthetic-traffic cases: the benchmark configuration and variants of every timing parameter. */
export const TRAFFIC_CASES: TrafficCase[] = [
  { name: "8x8 uniform 0.30 (benchmark)", width: 8, height: 8, rate: 0.3, seed: 1, packetSize: 1, cycles: 1500 },
  { name: "8x8 uniform 0.45 (saturated)", width: 8, height: 8, rate: 0.45, seed: 2, packetSize: 1, cycles: 1200 },
  { name: "8x8 4-flit packets", width: 8, height: 8, rate: 0.1, seed: 3, packetSize: 4, cycles: 1200 },
  { name: "4x3 uniform 0.35", width: 4, height: 3, rate: 0.35, seed: 1, packetSize: 1, cycles: 2000 },
  { name: "4x3 tornado, 3-flit packets", width: 4, height: 3, rate: 0.15, seed: 5, packetSize: 3, cycles: 2000, pattern: "tornado" },
  {
    name: "4x3 long pipeline (VA 2, SA 2, ST 2, routing 1, link 2)",
    width: 4, height: 3, rate: 0.2, seed: 7, packetSize: 2, cycles: 2000,
    router: { vaDelay: 2, saDelay: 2, stDelay: 2, routingDelay: 1, creditDelay: 1, linkLatency: 2 },
  },
  {
    name: "4x4 round-robin allocators, no tail-credit wait, 4 VCs x 3",
    width: 4, height: 4, rate: 0.3, seed: 9, packetSize: 2, cycles: 2000,
    router: { vcAlloc: "rr", swAlloc: "rr", waitTailCredit: false, vcs: 4, bufDepth: 3 },
  },
  { name: "4x4 32 VCs x 2, iSLIP 1/3", width: 4, height: 4, rate: 0.4, seed: 4, packetSize: 1, cycles: 2000, router: { vcs: 32, bufDepth: 2, vcIters: 1, swIters: 3 } },
  { name: "5x3 2 VCs, VA 3, SA 3, 5-flit packets", width: 5, height: 3, rate: 0.5, seed: 11, packetSize: 5, cycles: 2000, router: { vcs: 2, bufDepth: 4, vaDelay: 3, saDelay: 3 } },
];

export interface DeliveryLog {
  /** Flits delivered. */
  flits: number;
  /** First 16 hex digits of the SHA-256 of the log. */
  hash: string;
}

/** How the routers are simulated: either engine, or the compiled one with a second thread (RouterParams.threads). */
export type Engine = "wasm" | "js" | "wasm, 2 threads";

export function routerOptions(engine: Engine): Pick<RouterParams, "engine" | "threads"> {
  return engine === "wasm, 2 threads" ? { engine: "wasm", threads: 2 } : { engine };
}

/** Runs a synthetic-traffic case and hashes every ejected flit (cycle, node, ctl, src, data, ct, it, at). */
export function trafficLog(c: TrafficCase, engine: Engine): DeliveryLog {
  const router = { ...DEFAULT_ROUTER, ...c.router, ...routerOptions(engine) };
  const { top, sim } = buildExperiment({
    width: c.width, height: c.height, router, pattern: { name: c.pattern ?? "uniform" }, rate: c.rate,
    packetSize: c.packetSize, seed: c.seed, warmup: 100, measure: c.cycles - 600,
  });
  const h = createHash("sha256");
  let flits = 0;
  const eps = top.endpoints;
  sim.onCycle(() => {
    for (let i = 0; i < eps.length; i++) {
      const p = eps[i]!.ports;
      const ctl = p.ej_ctl.value;
      if ((ctl & 1) === 0) continue;
      flits++;
      h.update(`${sim.cycle} ${i} ${ctl} ${p.ej_src.value} ${p.ej_data.value} ${p.ej_ct.value} ${p.ej_it.value} ${p.ej_at.value}\n`);
    }
  });
  sim.step(c.cycles);
  const err = top.mesh.firstError();
  if (err !== null) throw new Error(err);
  return { flits, hash: h.digest("hex").slice(0, 16) };
}

/**
 * Testbench case for what synthetic traffic does not exercise: edge-port NIs, two virtual
 * networks, multicast segments, multi-flit packets and stalled ejection ports. Hashes the
 * ejection registers every cycle (held flits included) and the cycles to drain.
 */
export function testbenchLog(engine: Engine): DeliveryLog & { cycles: number } {
  const W = 5;
  const tb = new NocTb({ width: W, height: 4, edgeNodes: true, router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 3, vnets: 2, ...routerOptions(engine) } }, 21);
  tb.auditEveryCycle = false;
  const id = (x: number, y: number): number => y * W + x;
  const nodes = tb.nodes;
  for (let n = 0; n < nodes; n++) tb.stall[n] = n % 3 === 0 ? 0.3 : 0;
  for (let k = 0; k < 1500; k++) {
    // unicast sources exclude the multicast sources (the scoreboard orders packets per source and vnet)
    tb.send(tb.rng.int(3, nodes - 1), tb.rng.int(0, nodes - 1), tb.rng.int(1, 4), tb.rng.int(0, 1));
    if (k % 60 === 0) {
      tb.multicast(id(0, 0), id(1, 2), "x", nodeCode(4, 0) & 31, [1, 2, 3, 4].map((x) => id(x, 2)), 2, 1);
      tb.multicast(id(2, 0), id(2, 0), "y", (nodeCode(0, 3) >>> 5) & 31, [0, 1, 2, 3].map((y) => id(2, y)), 1, 0);
    }
  }
  const h = createHash("sha256");
  let flits = 0;
  const ports = tb.ports;
  tb.sim.onCycle(() => {
    for (let n = 0; n < nodes; n++) {
      const e = ports[n]!;
      const ctl = e.ej_ctl.value;
      if ((ctl & 1) === 0) continue;
      flits++;
      h.update(`${tb.sim.cycle} ${n} ${ctl} ${e.ej_src.value} ${e.ej_data.value} ${e.ej_it.value} ${e.ej_at.value}\n`);
    }
  });
  const cycles = tb.drain(50000);
  return { flits, hash: h.digest("hex").slice(0, 16), cycles };
}
