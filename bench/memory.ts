/**
 * Memory-subsystem benchmarks (issue 6). One JSON object per line:
 *   dram-stream   one LPDDR5 channel (controller + device + protocol checker + traffic
 *                 driver with data checking), sequential reads
 *   dram-random   the same, random 32-B reads over the 4 GiB channel
 *   dram-mixed    random 2:1 read/write mix
 *   dram-idle     a channel with no traffic (refresh only), 500,000 cycles
 *   sram-slice    one 2 MB slice (8 banks, ECC, 2 ports) under random traffic on both ports
 * Each reports simulated memory-clock cycles per wall-clock second, plus the bandwidth and
 * latency the simulation achieved (the figures to compare with Ramulator2 on the same trace).
 * Options: --requests N (default 200000 per DRAM run), --cycles N (SRAM, default 200000), --seed S.
 */
import { Simulator } from "../hw/rtl/index.ts";
import { TrafficDriver, type TrafficOptions } from "../hw/memory/dram-traffic.ts";
import { Lpddr5Channel } from "../hw/memory/lpddr5-channel.ts";
import { SramSlice } from "../hw/memory/sram-slice.ts";
import { Rng } from "../verif/random/rng.ts";

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0 || args[i + 1] === undefined) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`bench memory: ${name} needs a positive integer`);
  return n;
}

function dram(name: string, traffic: TrafficOptions, seed: number): Record<string, unknown> {
  // Warm-up run on a separate channel so V8 has optimised the per-cycle paths.
  new TrafficDriver(new Lpddr5Channel(null, "warm")).run({ ...traffic, requests: Math.min(20000, traffic.requests) }, new Rng(seed + 1));
  const ch = new Lpddr5Channel(null, "ch");
  const drv = new TrafficDriver(ch);
  const t0 = performance.now();
  const r = drv.run(traffic, new Rng(seed));
  const seconds = (performance.now() - t0) / 1000;
  return {
    name,
    requests: r.requests,
    cycles: r.cycles,
    seconds: +seconds.toFixed(4),
    cyclesPerSecond: Math.round(r.cycles / seconds),
    requestsPerSecond: Math.round(r.requests / seconds),
    bandwidthGBs: +r.bandwidthGBs.toFixed(3),
    peakPercent: +r.peakPercent.toFixed(2),
    latencyAvgNs: +r.latencyAvgNs.toFixed(2),
    latencyP50Ns: r.latencyP50Ns,
    latencyP99Ns: r.latencyP99Ns,
    rowHitRate: +r.rowHitRate.toFixed(4),
    refreshShare: +r.refreshShare.toFixed(4),
    violations: r.violations,
  };
}

/** An idle channel: only refresh runs (what a channel costs while the chip does not use it). */
function dramIdle(cycles: number): Record<string, unknown> {
  const ch = new Lpddr5Channel(null, "ch");
  const sim = new Simulator(ch);
  sim.reset(2);
  sim.step(20000); // warm-up
  const t0 = performance.now();
  sim.step(cycles);
  const seconds = (performance.now() - t0) / 1000;
  return {
    name: "dram-idle",
    cycles,
    seconds: +seconds.toFixed(4),
    cyclesPerSecond: Math.round(cycles / seconds),
    nsPerCycle: +((seconds * 1e9) / cycles).toFixed(1),
    refreshes: ch.checker.refreshLog.length,
    violations: ch.checker.violations.length,
  };
}

function sram(cycles: number, seed: number): Record<string, unknown> {
  const slice = new SramSlice(null, "slice", { ecc: true, ports: 2, banks: 8, readLatency: 2 });
  const sim = new Simulator(slice);
  sim.reset(1);
  const rng = new Rng(seed);
  const ports = slice.ports;
  for (const p of ports) {
    sim.poke(p.rsp_ready, 1);
    sim.poke(p.req_valid, 1);
    sim.poke(p.req_wmask, 0xffff);
  }
  let id = 0;
  const drive = (n: number): void => {
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i]!;
        // A new request whenever the previous one was taken.
        if (p.req_ready.value === 1 || c === 0) {
          const r = rng.next();
          sim.poke(p.req_write, (r & 3) === 0 ? 1 : 0);
          sim.poke(p.req_addr, ((r >>> 4) & 0x1ffff) << 4);
          sim.poke(p.req_id, id++ & 0xffff);
          p.req_wdata.setWord(0, r);
        }
      }
      sim.step(1);
    }
  };
  drive(20000);
  const r0 = slice.reads, w0 = slice.writes, c0 = slice.conflicts;
  const t0 = performance.now();
  drive(cycles);
  const seconds = (performance.now() - t0) / 1000;
  const accesses = slice.reads - r0 + slice.writes - w0;
  return {
    name: "sram-slice",
    cycles,
    seconds: +seconds.toFixed(4),
    cyclesPerSecond: Math.round(cycles / seconds),
    banks: 8,
    ports: 2,
    ecc: true,
    accessesPerCycle: +(accesses / cycles).toFixed(3),
    conflictsPerCycle: +((slice.conflicts - c0) / cycles).toFixed(3),
    bytesPerCycle: +((accesses * 16) / cycles).toFixed(2),
  };
}

export async function main(args: string[]): Promise<void> {
  const requests = arg(args, "--requests", 200000);
  const cycles = arg(args, "--cycles", 200000);
  const seed = arg(args, "--seed", 1);
  console.log(JSON.stringify(dram("dram-stream", { pattern: "seq", readFraction: 1, requests }, seed)));
  console.log(JSON.stringify(dram("dram-random", { pattern: "random", readFraction: 1, requests }, seed)));
  console.log(JSON.stringify(dram("dram-mixed", { pattern: "random", readFraction: 2 / 3, requests: Math.ceil(requests / 2) }, seed)));
  console.log(JSON.stringify(dramIdle(500000)));
  console.log(JSON.stringify(sram(cycles, seed)));
}
