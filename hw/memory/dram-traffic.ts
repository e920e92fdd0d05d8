/**
 * Traffic generator and checker for one LPDDR5 channel (a testbench, not hardware: it pokes
 * and peeks a simulator). Used by the memory tests, `tsrtl dram-bench` and bench/memory.ts.
 *
 * It offers transfers of 1..N bursts (consecutive 32-B blocks) with a pattern (sequential,
 * random, strided), a read/write mix and optional partial (byte-masked) writes, keeps a shadow
 * copy of everything written and checks that every read returns the last value written
 * before it in request order. Randomness comes from a caller-supplied seeded source (the
 * verification library's Rng fits), so runs are reproducible. Wall-clock timing is the caller's
 * business (hardware sources never read clocks).
 */
import { Simulator } from "../rtl/index.ts";
import type { Lpddr5Channel } from "./lpddr5-channel.ts";
import { peakBytesPerSecond } from "./lpddr5-timing.ts";

/** A seeded source of uniform 32-bit unsigned integers. */
export interface RandomSource {
  next(): number;
}

/** splitmix32-based fallback source (for callers that bring no generator). */
export class SplitMix32 implements RandomSource {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
}

export type Pattern = "seq" | "random" | "stride";

export interface TrafficOptions {
  pattern: Pattern;
  /** Stride in 32-B blocks for `stride` (default 64: one row apart in the default map). */
  stride?: number;
  /** Fraction of transfers that are reads (0..1). */
  readFraction: number;
  /** Number of 32-B requests to issue. */
  requests: number;
  /** Channel whose addresses are generated (default 0). */
  channel?: number;
  /** Transfer sizes in bursts, picked uniformly (default [1]). */
  sizes?: readonly number[];
  /** Probability that a write has a random partial byte mask (default 0). */
  partialWrites?: number;
  /** Random addresses fall in the first `footprint` blocks of the channel (default: all). */
  footprint?: number;
  /** Probability that rsp_ready is low in a cycle (default 0). */
  responseStall?: number;
  /** Check read data against the shadow copy (default true). */
  check?: boolean;
  /** Give up after this many cycles (default 200 per request + 100000). */
  maxCycles?: number;
}

export interface TrafficResult {
  requests: number;
  reads: number;
  writes: number;
  readsChecked: number;
  cycles: number;
  bytes: number;
  bandwidthGBs: number;
  peakPercent: number;
  latencyAvgNs: number;
  latencyP50Ns: number;
  latencyP99Ns: number;
  latencyMaxNs: number;
  rowHitRate: number;
  refreshShare: number;
  refreshes: number;
  violations: number;
}

export class DataMismatch extends Error {}

const WORDS = 8;

export class TrafficDriver {
  readonly sim: Simulator;
  private readonly shadow = new Map<number, number>();
  private pool = new Uint32Array(WORDS * 1024);
  private poolUsed = 0;
  private readonly expect = new Uint32Array(65536 * WORDS);
  private readonly outstanding = new Uint8Array(65536);

  constructor(readonly channel: Lpddr5Channel, sim?: Simulator) {
    this.sim = sim ?? new Simulator(channel);
  }

  private shadowSlot(block: number): number {
    let s = this.shadow.get(block);
    if (s === undefined) {
      if ((this.poolUsed + 1) * WORDS > this.pool.length) {
        const bigger = new Uint32Array(this.pool.length * 2);
        bigger.set(this.pool);
        this.pool = bigger;
      }
      s = this.poolUsed++;
      this.shadow.set(block, s);
    }
    return s;
  }

  /** Runs the traffic to completion (all reads answered, controller idle). */
  run(o: TrafficOptions, rng: RandomSource): TrafficResult {
    const sim = this.sim;
    const ch = this.channel;
    const ctrl = ch.ctrl;
    const map = ctrl.map;
    const chan = o.channel ?? 0;
    const sizes = o.sizes ?? [1];
    const partial = o.partialWrites ?? 0;
    const check = o.check ?? true;
    const stall = o.responseStall ?? 0;
    const perChannel = map.blocksPerChannel;
    const footprint = Math.min(o.footprint ?? perChannel, perChannel);
    const stride = o.stride ?? 64;
    const maxCycles = o.maxCycles ?? o.requests * 200 + 100000;
    const u = (): number => rng.next() / 4294967296;

    sim.reset(2);
    ctrl.stats.clear();
    const violationsBefore = ch.checker.violations.length;
    const startCycle = sim.cycle;

    let issued = 0;
    let reads = 0;
    let writes = 0;
    let checked = 0;
    let nextId = 0;
    let seqK = 0;
    // Current transfer.
    let left = 0;
    let k = 0;
    let isWrite = false;
    let have = false;
    let block = 0;
    let id = 0;
    let mask = 0;
    let outstandingReads = 0;
    const wdata = new Uint32Array(WORDS);
    let validPoked = 0;
    let rspReady = -1;

    for (;;) {
      if (!have && issued < o.requests) {
        if (left === 0) {
          const size = sizes.length === 1 ? sizes[0]! : sizes[Math.floor(u() * sizes.length)]!;
          isWrite = u() >= o.readFraction;
          if (o.pattern === "seq") {
            k = seqK;
            seqK += size;
          } else if (o.pattern === "stride") {
            k = (seqK * stride) % perChannel;
            seqK++;
          } else {
            k = Math.floor(u() * footprint);
            k -= k % size;
          }
          left = size;
        }
        block = map.channelBlock(k % perChannel, chan);
        k++;
        left--;
        id = nextId;
        nextId = (nextId + 1) & 0xffff;
        have = true;
        if (isWrite) {
          for (let w = 0; w < WORDS; w++) wdata[w] = rng.next();
          mask = partial > 0 && u() < partial ? (rng.next() | 1) >>> 0 : 0xffffffff;
        }
        if (this.outstanding[id] === 1) throw new Error(`traffic: request id ${id} reused while outstanding`);
        sim.poke(ch.req_addr, block);
        sim.poke(ch.req_write, isWrite ? 1 : 0);
        sim.poke(ch.req_id, id);
        if (isWrite) {
          sim.poke(ch.req_wmask, mask);
          for (let w = 0; w < WORDS; w++) ch.req_wdata.setWord(w, wdata[w]!);
        }
      }
      const valid = have ? 1 : 0;
      if (valid !== validPoked) {
        sim.poke(ch.req_valid, valid);
        validPoked = valid;
      }
      const r = stall > 0 && u() < stall ? 0 : 1;
      if (r !== rspReady) {
        sim.poke(ch.rsp_ready, r);
        rspReady = r;
      }
      const accepted = have && sim.peek(ch.req_ready) === 1;
      if (ch.rsp_valid.value === 1 && r === 1) {
        const rid = ch.rsp_id.value;
        if (this.outstanding[rid] !== 1) throw new DataMismatch(`cycle ${sim.cycle}: response for id ${rid}, which is not outstanding`);
        this.outstanding[rid] = 0;
        outstandingReads--;
        if (check) {
          const base = rid * WORDS;
          for (let w = 0; w < WORDS; w++) {
            const got = ch.rsp_data.word(w);
            if (got !== this.expect[base + w]) {
              throw new DataMismatch(
                `cycle ${sim.cycle}: read id ${rid} word ${w}: got 0x${got.toString(16)}, expected 0x${this.expect[base + w]!.toString(16)}`,
              );
            }
          }
          checked++;
        }
      }
      sim.step(1);
      if (accepted) {
        have = false;
        issued++;
        if (isWrite) {
          writes++;
          if (check) {
            const base = this.shadowSlot(block) * WORDS;
            for (let w = 0; w < WORDS; w++) {
              const lanes = (mask >>> (4 * w)) & 0xf;
              const bits = (lanes & 1 ? 0xff : 0) | (lanes & 2 ? 0xff00 : 0) | (lanes & 4 ? 0xff0000 : 0) | (lanes & 8 ? 0xff000000 : 0);
              this.pool[base + w] = ((this.pool[base + w]! & ~bits) | (wdata[w]! & bits)) >>> 0;
            }
          }
        } else {
          reads++;
          outstandingReads++;
          this.outstanding[id] = 1;
          if (check) {
            const s = this.shadow.get(block);
            const base = id * WORDS;
            for (let w = 0; w < WORDS; w++) this.expect[base + w] = s === undefined ? 0 : this.pool[s * WORDS + w]!;
          }
        }
      }
      if (issued === o.requests && !have && outstandingReads === 0 && ch.idle.value === 1) break;
      if (sim.cycle - startCycle > maxCycles) throw new Error(`traffic: not finished after ${maxCycles} cycles (${issued} issued, ${outstandingReads} reads outstanding)`);
    }
    if (validPoked !== 0) sim.poke(ch.req_valid, 0);
    const cycles = sim.cycle - startCycle;
    const st = ctrl.stats;
    const tCKns = ctrl.timing.tCKps / 1000;
    const bytes = issued * 32;
    const bw = bytes / (cycles * tCKns * 1e-9);
    const cas = st.rowHits + st.rowMisses + st.rowConflicts;
    return {
      requests: issued,
      reads,
      writes,
      readsChecked: checked,
      cycles,
      bytes,
      bandwidthGBs: bw / 1e9,
      peakPercent: (100 * bw) / peakBytesPerSecond(ctrl.timing, ctrl.org),
      latencyAvgNs: st.readsDone > 0 ? (st.latencySum / st.readsDone) * tCKns : 0,
      latencyP50Ns: st.readsDone > 0 ? st.percentile(50) * tCKns : 0,
      latencyP99Ns: st.readsDone > 0 ? st.percentile(99) * tCKns : 0,
      latencyMaxNs: st.latencyMax * tCKns,
      rowHitRate: cas > 0 ? st.rowHits / cas : 0,
      refreshShare: st.cycles > 0 ? st.refreshCycles / st.cycles : 0,
      refreshes: st.refreshes,
      violations: ch.checker.violations.length - violationsBefore,
    };
  }
}
