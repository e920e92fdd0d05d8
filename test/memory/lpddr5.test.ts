/**
 * LPDDR5 channel: seeded random traffic with data checking (the protocol checker is part of
 * every channel and throws at the first violation), refresh schedule under load, analytic
 * anchors (latency, streaming bandwidth), address maps.
 *
 * Every configuration gets 100,000 requests on one channel; `MEMORY_FULL=1` repeats the
 * configuration matrix with three seeds.
 */
import { expect } from "chai";
import { Simulator } from "../../hw/rtl/index.ts";
import { AddressMap, MAPPINGS } from "../../hw/memory/address-map.ts";
import { TrafficDriver, type TrafficResult } from "../../hw/memory/dram-traffic.ts";
import { Lpddr5Channel, type Lpddr5ChannelOptions } from "../../hw/memory/lpddr5-channel.ts";
import { LPDDR5_6400, LPDDR5_ORG_DEFAULT, peakBytesPerSecond } from "../../hw/memory/lpddr5-timing.ts";
import { Rng } from "../../verif/index.ts";

const FULL = process.env["MEMORY_FULL"] === "1";
const T = LPDDR5_6400;

function traffic(options: Lpddr5ChannelOptions, run: Parameters<TrafficDriver["run"]>[0], seed: number): TrafficResult {
  const ch = new Lpddr5Channel(null, "ch", options);
  const r = new TrafficDriver(ch).run(run, new Rng(seed));
  expect(r.violations).to.equal(0);
  expect(ch.checker.violations).to.deep.equal([]);
  return r;
}

describe("LPDDR5 address maps", () => {
  for (const mapping of MAPPINGS) {
    for (const bankXor of [false, true]) {
      it(`${mapping}${bankXor ? " + bank XOR" : ""}: decode and encode are inverse, channels partition the space`, () => {
        const map = new AddressMap(LPDDR5_ORG_DEFAULT, { mapping, bankXor });
        expect(map.blockBits).to.equal(31); // 64 GB / 32 B
        const rng = new Rng(3);
        const seen = new Set<string>();
        for (let i = 0; i < 2000; i++) {
          const block = rng.int(0, map.blocks - 1);
          const d = map.decode(block);
          expect(map.encode(d)).to.equal(block);
          expect(d.bank).to.be.below(16);
          seen.add(`${d.channel}`);
          const k = rng.int(0, map.blocksPerChannel - 1);
          expect(map.channelOf(map.channelBlock(k, 5))).to.equal(5);
        }
        expect(seen.size).to.equal(16);
      });
    }
  }

  it("the default map puts consecutive bursts of a channel in different bank groups", () => {
    const map = new AddressMap(LPDDR5_ORG_DEFAULT);
    const groups = [0, 1, 2, 3].map((k) => map.groupOfBank(map.bankOf(map.channelBlock(k, 0))));
    expect(groups).to.deep.equal([0, 1, 2, 3]);
    const rb = new AddressMap(LPDDR5_ORG_DEFAULT, { mapping: "RoBaRaCoCh" });
    expect(rb.columnOf(rb.channelBlock(1, 0))).to.equal(1);
    expect(rb.channelOf(1)).to.equal(1);
    const cr = new AddressMap(LPDDR5_ORG_DEFAULT, { mapping: "ChRaBaRoCo" });
    expect(cr.channelOf(cr.blocksPerChannel)).to.equal(1);
  });

  it("rejects malformed mappings", () => {
    expect(() => new AddressMap(LPDDR5_ORG_DEFAULT, { mapping: "RoBaCo" })).to.throw(/must appear once/);
    expect(() => new AddressMap(LPDDR5_ORG_DEFAULT, { mapping: "RoBaRaCoChXx" })).to.throw(/fields/);
  });
});

describe("LPDDR5 channel: seeded random traffic, data integrity, zero protocol violations", function () {
  this.timeout(600000);

  it("100,000 mixed requests (sizes 32-128 B, partial writes, read-after-write hazards, back-pressure)", () => {
    const r = traffic(
      {},
      { pattern: "random", readFraction: 0.6, requests: 100000, sizes: [1, 2, 4], partialWrites: 0.25, footprint: 1 << 12, responseStall: 0.1 },
      1,
    );
    expect(r.requests).to.equal(100000);
    expect(r.readsChecked).to.equal(r.reads);
    expect(r.reads).to.be.greaterThan(50000);
    expect(r.writes).to.be.greaterThan(30000);
    expect(r.refreshes).to.be.greaterThan(0);
  });

  const configs: [string, Lpddr5ChannelOptions][] = [
    ["FCFS", { scheduler: "fcfs" }],
    ["closed-page", { pagePolicy: "closed" }],
    ["per-bank refresh", { refresh: "perbank" }],
    ["RoBaRaCoCh", { map: { mapping: "RoBaRaCoCh" } }],
    ["ChRaBaRoCo + bank XOR", { map: { mapping: "ChRaBaRoCo", bankXor: true } }],
    ["small queues, tight watermarks", { queueDepth: 8, writeHigh: 4, writeLow: 1, responseDepth: 4 }],
  ];
  const seeds = FULL ? [11, 21, 31] : [11];
  for (const [name, options] of configs) {
    for (const seed of seeds) {
      it(`${name}: 100,000 requests (seed ${seed}), reads return the last write`, () => {
        const a = traffic(options, { pattern: "random", readFraction: 0.5, requests: 70000, sizes: [1, 2, 4], partialWrites: 0.2, footprint: 1 << 11, responseStall: 0.05 }, seed);
        expect(a.readsChecked).to.equal(a.reads);
        // Streaming with a mix exercises row hits, write drains and turnarounds.
        const b = traffic(options, { pattern: "seq", readFraction: 0.7, requests: 30000, sizes: [1, 4] }, seed + 1);
        expect(b.readsChecked).to.equal(b.reads);
      });
    }
  }

  it("strided traffic across the whole 4 GiB channel (lazily allocated storage)", () => {
    const ch = new Lpddr5Channel(null, "ch");
    const r = new TrafficDriver(ch).run({ pattern: "stride", stride: 4099 * 64 + 3, readFraction: 0.5, requests: 8000 }, new Rng(5));
    expect(r.readsChecked).to.equal(r.reads);
    expect(ch.device.storage.allocatedBytes).to.be.below(512 * 1024 * 1024);
  });
});

describe("LPDDR5 refresh under full load", function () {
  this.timeout(120000);
  for (const refresh of ["allbank", "perbank"] as const) {
    it(`${refresh}: every refresh issued on schedule while streaming`, () => {
      const ch = new Lpddr5Channel(null, "ch", { refresh });
      const r = new TrafficDriver(ch).run({ pattern: "seq", readFraction: 0.8, requests: 40000 }, new Rng(2));
      const log = ch.checker.refreshLog;
      const interval = refresh === "allbank" ? T.nREFI : T.nREFI / 16;
      // The first refresh is due at one interval; each then at most ~tens of cycles late (PREA wait).
      expect(log.length).to.equal(Math.floor(r.cycles / interval));
      for (let i = 0; i < log.length; i++) {
        const due = (i + 1) * interval;
        expect(log[i]!).to.be.at.least(Math.floor(due));
        expect(log[i]! - due, `refresh ${i}`).to.be.below(T.nRAS + T.nCWL + T.nBL + T.nWR + T.nRPab + 4);
      }
      expect(r.refreshShare).to.be.closeTo(refresh === "allbank" ? T.nRFCab / T.nREFI : T.nRFCpb / T.nREFI, 0.005);
    });
  }
});

/** Presents one request and returns the cycles until rsp_valid (reads) or idle (writes). */
function single(sim: Simulator, ch: Lpddr5Channel, block: number, write: boolean): number {
  sim.poke(ch.req_addr, block);
  sim.poke(ch.req_write, write ? 1 : 0);
  sim.poke(ch.req_wmask, 0xffffffff);
  sim.poke(ch.req_valid, 1);
  sim.poke(ch.rsp_ready, 1);
  expect(sim.peek(ch.req_ready)).to.equal(1);
  sim.step(1);
  sim.poke(ch.req_valid, 0);
  let n = 1;
  while (write ? sim.peek(ch.idle) === 0 : sim.peek(ch.rsp_valid) === 0) {
    sim.step(1);
    n++;
  }
  sim.step(1);
  return n;
}

describe("LPDDR5 analytic anchors", function () {
  this.timeout(120000);

  it("unloaded read latency: closed bank = (nRP + nRCD + nCL) x tCK + burst + 3 pipeline cycles", () => {
    const ch = new Lpddr5Channel(null, "ch");
    const sim = new Simulator(ch);
    sim.reset(2);
    const map = ch.ctrl.map;
    const a = map.channelBlock(0, 0);
    const other = map.encode({ ...map.decode(a), row: 1 });
    const third = map.encode({ ...map.decode(a), row: 2 });
    const tCK = T.tCKps / 1000;
    // Bank idle (no row open): ACT + RD.
    const miss = single(sim, ch, a, false);
    expect(miss).to.equal(T.nRCD + T.nCL + T.nBL + 3);
    sim.step(60);
    // Row hit.
    expect(single(sim, ch, a, false)).to.equal(T.nCL + T.nBL + 3);
    sim.step(60);
    // Bank open with another row: PRE + ACT + RD.
    const conflict = single(sim, ch, other, false);
    expect(conflict).to.equal(T.nRP + T.nRCD + T.nCL + T.nBL + 3);
    expect((T.nRP + T.nRCD + T.nCL) * tCK).to.equal(58.75);
    expect(conflict * tCK).to.equal(58.75 + T.nBL * tCK + 3 * tCK); // 65 ns
    // Closed-page policy: every access finds the bank precharged: ACT + RD.
    sim.step(60);
    const closed = new Lpddr5Channel(null, "ch", { pagePolicy: "closed" });
    const sim2 = new Simulator(closed);
    sim2.reset(2);
    expect(single(sim2, closed, a, false)).to.equal(T.nRCD + T.nCL + T.nBL + 3);
    sim2.step(100);
    expect(single(sim2, closed, third, false)).to.equal(T.nRCD + T.nCL + T.nBL + 3);
    expect(ch.checker.violations).to.deep.equal([]);
  });

  it("streaming reads reach at least 90% of the 12.8 GB/s peak; random-read figures", () => {
    expect(peakBytesPerSecond(T)).to.equal(12.8e9);
    const s = traffic({}, { pattern: "seq", readFraction: 1, requests: 60000 }, 1);
    expect(s.peakPercent).to.be.at.least(90);
    expect(s.rowHitRate).to.be.above(0.95);
    const r = traffic({}, { pattern: "random", readFraction: 1, requests: 20000 }, 1);
    // Random 32-B reads miss the row every time; four ACTs per nFAW = 16 CK bound them to 50%.
    expect(r.peakPercent).to.be.below(50);
    expect(r.peakPercent).to.be.above(35);
    console.log(
      `      streaming: ${s.bandwidthGBs.toFixed(2)} GB/s (${s.peakPercent.toFixed(1)}%), refresh share ${(100 * s.refreshShare).toFixed(2)}%;` +
        ` random: ${r.bandwidthGBs.toFixed(2)} GB/s (${r.peakPercent.toFixed(1)}%), latency avg ${r.latencyAvgNs.toFixed(1)} ns, p50 ${r.latencyP50Ns} ns, p99 ${r.latencyP99Ns} ns`,
    );
  });
});

describe("LPDDR5 controller behaviour", function () {
  this.timeout(120000);

  it("write-drain watermarks batch writes: few read/write turnarounds", () => {
    const ch = new Lpddr5Channel(null, "ch");
    const r = new TrafficDriver(ch).run({ pattern: "random", readFraction: 0.5, requests: 20000 }, new Rng(8));
    // Draining 24 -> 8 moves 16 writes per batch, so at most ~2 turnarounds per 16 writes.
    expect(ch.checker.turnarounds).to.be.below(r.writes / 6);
    const tight = new Lpddr5Channel(null, "ch", { writeHigh: 2, writeLow: 1 });
    new TrafficDriver(tight).run({ pattern: "random", readFraction: 0.5, requests: 20000 }, new Rng(8));
    expect(tight.checker.turnarounds).to.be.above(ch.checker.turnarounds * 2);
  });

  it("FR-FCFS beats FCFS on traffic with row locality", () => {
    const run = (scheduler: "frfcfs" | "fcfs"): TrafficResult =>
      traffic({ scheduler, map: { mapping: "RoBaRaCoCh" } }, { pattern: "random", readFraction: 1, requests: 10000, sizes: [4, 8], footprint: 1 << 16 }, 3);
    const fr = run("frfcfs"), fc = run("fcfs");
    expect(fr.bandwidthGBs).to.be.above(fc.bandwidthGBs);
    expect(fr.rowHitRate).to.be.at.least(fc.rowHitRate);
  });

  it("a request that keeps missing behind a stream of row hits is not starved", () => {
    const ch = new Lpddr5Channel(null, "ch", { starvationLimit: 200 });
    const sim = new Simulator(ch);
    sim.reset(2);
    const map = ch.ctrl.map;
    const bank0 = (row: number, col: number): number => map.encode({ channel: 0, rank: 0, bank: 0, row, column: col });
    // Keep bank 0 row 0 busy with hits; one request to row 1 of bank 0 waits among them.
    sim.poke(ch.rsp_ready, 1);
    sim.poke(ch.req_write, 0);
    let col = 0, victimDone = -1, victimSent = false, cycle = 0;
    for (; cycle < 4000 && victimDone < 0; cycle++) {
      const victim = !victimSent && cycle === 20;
      sim.poke(ch.req_valid, 1);
      sim.poke(ch.req_id, victim ? 999 : col & 0xff);
      sim.poke(ch.req_addr, victim ? bank0(1, 0) : bank0(0, col & 63));
      if (sim.peek(ch.req_ready) === 1) {
        if (victim) victimSent = true;
        else col++;
      }
      if (sim.peek(ch.rsp_valid) === 1 && sim.peek(ch.rsp_id) === 999) victimDone = cycle;
      sim.step(1);
    }
    sim.poke(ch.req_valid, 0);
    expect(victimSent).to.equal(true);
    expect(victimDone).to.be.above(0).and.below(20 + 200 + 200);
  });

  it("a corrupted DRAM word is caught by the traffic checker", () => {
    const ch = new Lpddr5Channel(null, "ch");
    const drv = new TrafficDriver(ch);
    drv.run({ pattern: "seq", readFraction: 0, requests: 64 }, new Rng(1));
    const map = ch.ctrl.map;
    const b = map.channelBlock(17, 0);
    const e = ch.device.entry(map.bankOf(b), map.rowOf(b), map.columnOf(b));
    ch.device.storage.writeWord(e, 3, ch.device.storage.readWord(e, 3) ^ 0x100, 0xffffffff);
    expect(() => drv.run({ pattern: "seq", readFraction: 1, requests: 64 }, new Rng(1))).to.throw(/word 3/);
  });

  it("an idle channel keeps refreshing, on time and legally (its speed: bench memory, dram-idle)", () => {
    const ch = new Lpddr5Channel(null, "ch");
    const sim = new Simulator(ch);
    sim.reset(2);
    sim.step(520000);
    expect(ch.checker.refreshLog.length).to.equal(Math.floor(520000 / T.nREFI));
    expect(ch.checker.violations).to.deep.equal([]);
  });
});
