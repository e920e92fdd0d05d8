/**
 * SRAM bank (latency, byte enables, 1rw / 1r1w, SECDED ECC with an injection campaign) and
 * SRAM slice (interleaving, bank-conflict arbitration, ready/valid ports), slice address map.
 */
import { expect } from "chai";
import { Simulator } from "../../hw/rtl/index.ts";
import { eccDecode, eccEncode, ECC_CORRECTED, ECC_OK, ECC_UNCORRECTABLE } from "../../hw/memory/ecc.ts";
import { SramBank } from "../../hw/memory/sram-bank.ts";
import { SliceMap, SramSlice } from "../../hw/memory/sram-slice.ts";
import { Rng } from "../../verif/index.ts";

const W = 128;
const WORDS = W / 32;

function setWide(sig: { setWord(i: number, v: number): void }, data: Uint32Array): void {
  for (let i = 0; i < data.length; i++) sig.setWord(i, data[i]!);
}

function maskBits(mask: number, w: number): number {
  const lanes = (mask >>> (4 * w)) & 0xf;
  return ((lanes & 1 ? 0xff : 0) | (lanes & 2 ? 0xff00 : 0) | (lanes & 4 ? 0xff0000 : 0) | (lanes & 8 ? 0xff000000 : 0)) >>> 0;
}

describe("SECDED (72,64)", () => {
  it("corrects every single-bit error and detects every double-bit error of a granule", () => {
    const rng = new Rng(9);
    const out = new Uint32Array(2);
    for (let trial = 0; trial < 20; trial++) {
      const lo = rng.next(), hi = rng.next();
      const c = eccEncode(lo, hi);
      expect(eccDecode(lo, hi, c, out)).to.equal(ECC_OK);
      const flip = (bit: number, v: [number, number, number]): void => {
        if (bit < 32) v[0] = (v[0] ^ (1 << bit)) >>> 0;
        else if (bit < 64) v[1] = (v[1] ^ (1 << (bit - 32))) >>> 0;
        else v[2] ^= 1 << (bit - 64);
      };
      for (let a = 0; a < 72; a++) {
        const v: [number, number, number] = [lo, hi, c];
        flip(a, v);
        expect(eccDecode(v[0], v[1], v[2], out), `bit ${a}`).to.equal(ECC_CORRECTED);
        expect([out[0], out[1]]).to.deep.equal([lo, hi]);
        for (let b = a + 1; b < 72; b += 7) {
          const u: [number, number, number] = [lo, hi, c];
          flip(a, u);
          flip(b, u);
          expect(eccDecode(u[0], u[1], u[2], out), `bits ${a},${b}`).to.equal(ECC_UNCORRECTABLE);
        }
      }
    }
  });
});

/** Drives a 1rw bank with random traffic against a reference model. */
function bankTraffic(bank: SramBank, sim: Simulator, rng: Rng, n: number, depth: number, partial: boolean): void {
  const ref = new Map<number, Uint32Array>();
  const pending: { due: number; addr: number; data: Uint32Array }[] = [];
  const data = new Uint32Array(WORDS);
  let cycle = 0;
  let done = 0;
  sim.poke(bank.req_valid, 0);
  while (done < n || pending.length > 0) {
    // Check a response due this cycle.
    if (pending.length > 0 && pending[0]!.due === cycle) {
      const p = pending.shift()!;
      expect(sim.peek(bank.rsp_valid), `cycle ${cycle}`).to.equal(1);
      expect(sim.peek(bank.rsp_error)).to.equal(0);
      for (let w = 0; w < WORDS; w++) expect(bank.rsp_data.word(w), `addr ${p.addr} word ${w}`).to.equal(p.data[w]);
    } else {
      expect(sim.peek(bank.rsp_valid), `cycle ${cycle}: unexpected response`).to.equal(0);
    }
    let issue = false;
    if (done < n && rng.bool(0.8) && sim.peek(bank.req_ready) === 1) {
      const addr = rng.int(0, depth - 1);
      const write = rng.bool(0.5);
      sim.poke(bank.req_valid, 1);
      sim.poke(bank.req_addr, addr);
      sim.poke(bank.req_write, write ? 1 : 0);
      if (write) {
        const mask = partial && rng.bool(0.5) ? rng.bits(16) : 0xffff;
        for (let w = 0; w < WORDS; w++) data[w] = rng.next();
        setWide(bank.req_wdata, data);
        sim.poke(bank.req_wmask, mask);
        const cur = ref.get(addr) ?? new Uint32Array(WORDS);
        for (let w = 0; w < WORDS; w++) cur[w] = ((cur[w]! & ~maskBits(mask, w)) | (data[w]! & maskBits(mask, w))) >>> 0;
        ref.set(addr, cur);
      } else {
        pending.push({ due: cycle + bank.readLatency, addr, data: Uint32Array.from(ref.get(addr) ?? new Uint32Array(WORDS)) });
      }
      issue = true;
      done++;
    }
    if (!issue) sim.poke(bank.req_valid, 0);
    sim.step(1);
    cycle++;
  }
  sim.poke(bank.req_valid, 0);
}

describe("SRAM bank", () => {
  for (const readLatency of [1, 2, 3]) {
    for (const ecc of [false, true]) {
      it(`1rw, latency ${readLatency}${ecc ? ", ECC (partial writes are read-modify-write)" : ""}: random traffic with byte enables`, () => {
        const bank = new SramBank(null, "bank", { depth: 256, width: W, readLatency, ecc });
        const sim = new Simulator(bank);
        sim.reset(1);
        bankTraffic(bank, sim, new Rng(readLatency * 10 + (ecc ? 1 : 0)), 3000, 256, true);
        expect(sim.peek(bank.ecc_ce)).to.equal(0);
        expect(sim.peek(bank.ecc_ue)).to.equal(0);
      });
    }
  }

  it("1r1w: a read and a write every cycle, read-first on the same word", () => {
    const bank = new SramBank(null, "bank", { depth: 64, width: 64, readLatency: 1, ports: "1r1w", ecc: true });
    const sim = new Simulator(bank);
    sim.reset(1);
    const d = new Uint32Array([0x11111111, 0x22222222]);
    sim.poke(bank.wr_valid!, 1);
    sim.poke(bank.wr_addr!, 5);
    sim.poke(bank.wr_wmask!, 0xff);
    setWide(bank.wr_wdata!, d);
    sim.step(1);
    setWide(bank.wr_wdata!, new Uint32Array([0x33333333, 0x44444444]));
    sim.poke(bank.req_valid, 1);
    sim.poke(bank.req_addr, 5);
    sim.poke(bank.req_write, 0);
    sim.step(1);
    expect(sim.peek(bank.rsp_valid)).to.equal(1);
    expect(sim.peek(bank.rsp_data)).to.equal(0x2222222211111111n); // old value (read-first)
    sim.poke(bank.wr_valid!, 0);
    sim.step(1);
    expect(sim.peek(bank.rsp_data)).to.equal(0x4444444433333333n);
  });

  it("ECC injection campaign: 100% of single-bit errors corrected, 100% of double-bit errors detected", () => {
    const bank = new SramBank(null, "bank", { depth: 1024, width: W, readLatency: 2, ecc: true });
    const sim = new Simulator(bank);
    sim.reset(1);
    const rng = new Rng(77);
    const granules = W / 64;
    const storedBits = W + 8 * granules;
    let singles = 0, doubles = 0, corrected = 0, detected = 0;
    const data = new Uint32Array(WORDS);
    const readBack = (addr: number): { error: number; words: number[] } => {
      sim.poke(bank.req_valid, 1);
      sim.poke(bank.req_write, 0);
      sim.poke(bank.req_addr, addr);
      sim.step(1);
      sim.poke(bank.req_valid, 0);
      sim.step(bank.readLatency - 1);
      expect(sim.peek(bank.rsp_valid)).to.equal(1);
      const r = { error: sim.peek(bank.rsp_error), words: [0, 1, 2, 3].map((w) => bank.rsp_data.word(w)) };
      sim.step(1);
      return r;
    };
    for (let trial = 0; trial < 1200; trial++) {
      const addr = rng.int(0, 1023);
      for (let w = 0; w < WORDS; w++) data[w] = rng.next();
      sim.poke(bank.req_valid, 1);
      sim.poke(bank.req_write, 1);
      sim.poke(bank.req_addr, addr);
      sim.poke(bank.req_wmask, 0xffff);
      setWide(bank.req_wdata, data);
      sim.step(1);
      sim.poke(bank.req_valid, 0);
      const double = trial % 2 === 1;
      // A stored bit anywhere (data or check bits); the second one in the same 64-bit granule.
      const a = rng.int(0, storedBits - 1);
      if (!double) {
        bank.injectError(addr, [a]);
        singles++;
        const r = readBack(addr);
        if (r.error === 0 && r.words.every((x, i) => x === data[i])) corrected++;
      } else {
        const g = a < W ? a >> 6 : (a - W) >> 3;
        const inGranule = (k: number): number => (k < 64 ? bank.storedBit(g, k) : bank.storedBit(g, k - 64, true));
        const k1 = rng.int(0, 71);
        let k2 = rng.int(0, 70);
        if (k2 >= k1) k2++;
        bank.injectError(addr, [inGranule(k1), inGranule(k2)]);
        doubles++;
        if (readBack(addr).error === 1) detected++;
      }
      // Scrub: rewrite the word so later trials start clean.
      bank.mem.pokeBig(addr, 0n);
    }
    expect(corrected).to.equal(singles);
    expect(detected).to.equal(doubles);
    expect(sim.peek(bank.ecc_ce)).to.equal(singles);
    expect(sim.peek(bank.ecc_ue)).to.equal(doubles);
    expect(singles).to.equal(600);
  });
});

describe("SRAM slice", () => {
  it("two ports of random traffic: data correct, bank conflicts arbitrated, ids returned", function () {
    this.timeout(60000);
    const slice = new SramSlice(null, "slice", { ecc: true, ports: 2, banks: 8, readLatency: 2 });
    const sim = new Simulator(slice);
    sim.reset(1);
    const rng = new Rng(4);
    const ref = new Map<number, Uint32Array>();
    const expected = slice.ports.map(() => new Map<number, Uint32Array>());
    const next: ({ write: boolean; addr: number; id: number; mask: number; data: Uint32Array } | undefined)[] = [undefined, undefined];
    let ids = 0;
    let responses = 0;
    let reads = 0;
    const total = 6000;
    let issued = 0;
    for (let cycle = 0; cycle < 200000 && (issued < total || responses < reads); cycle++) {
      for (let p = 0; p < 2; p++) {
        const port = slice.ports[p]!;
        if (next[p] === undefined && issued < total && rng.bool(0.9)) {
          const write = rng.bool(0.4);
          const addr = rng.int(0, 511) * 16; // a small footprint so the ports collide
          const data = new Uint32Array(WORDS);
          for (let w = 0; w < WORDS; w++) data[w] = rng.next();
          next[p] = { write, addr, id: ids++ & 0xffff, mask: rng.bool(0.3) ? rng.bits(16) : 0xffff, data };
          issued++;
        }
        const r = next[p];
        sim.poke(port.req_valid, r ? 1 : 0);
        if (r) {
          sim.poke(port.req_write, r.write ? 1 : 0);
          sim.poke(port.req_addr, r.addr);
          sim.poke(port.req_id, r.id);
          sim.poke(port.req_wmask, r.mask);
          setWide(port.req_wdata, r.data);
        }
        sim.poke(port.rsp_ready, rng.bool(0.8) ? 1 : 0);
      }
      const accepted = [0, 1].map((p) => next[p] !== undefined && sim.peek(slice.ports[p]!.req_ready) === 1);
      for (let p = 0; p < 2; p++) {
        const port = slice.ports[p]!;
        if (sim.peek(port.rsp_valid) === 1 && sim.peek(port.rsp_ready) === 1) {
          const id = sim.peek(port.rsp_id);
          const exp = expected[p]!.get(id);
          expect(exp, `port ${p} id ${id}`).to.not.equal(undefined);
          expect(sim.peek(port.rsp_error)).to.equal(0);
          for (let w = 0; w < WORDS; w++) expect(port.rsp_data.word(w)).to.equal(exp![w]);
          expected[p]!.delete(id);
          responses++;
        }
      }
      // Same-cycle accepted requests touch different banks, so their order does not matter.
      for (let p = 0; p < 2; p++) {
        const r = next[p];
        if (!r || !accepted[p]) continue;
        const cur = ref.get(r.addr) ?? new Uint32Array(WORDS);
        if (r.write) {
          for (let w = 0; w < WORDS; w++) cur[w] = ((cur[w]! & ~maskBits(r.mask, w)) | (r.data[w]! & maskBits(r.mask, w))) >>> 0;
          ref.set(r.addr, cur);
        } else {
          expected[p]!.set(r.id, Uint32Array.from(cur));
          reads++;
        }
        next[p] = undefined;
      }
      sim.step(1);
    }
    expect(issued).to.equal(total);
    expect(responses).to.equal(reads);
    expect(slice.conflicts).to.be.greaterThan(0);
    expect(slice.reads).to.equal(reads);
    expect(slice.banks[0]!.mem.allocatedBytes).to.be.below(1 << 20);
  });

  it("the 64 x 2 MB slice map interleaves granules across slices and is invertible", () => {
    for (const granule of [64, 256, 4096, 2 * 1024 * 1024]) {
      const map = new SliceMap({ granule });
      expect(map.totalBytes).to.equal(128 * 1024 * 1024);
      const rng = new Rng(granule);
      for (let i = 0; i < 1000; i++) {
        const a = rng.int(0, map.totalBytes - 1);
        const s = map.sliceOf(a), o = map.offsetOf(a);
        expect(o).to.be.below(map.sliceBytes);
        expect(map.addressOf(s, o)).to.equal(a);
      }
      expect(map.sliceOf(granule)).to.equal(granule === 2 * 1024 * 1024 ? 1 : 1);
      expect(map.sliceOf(64 * granule)).to.equal(0);
    }
  });
});
