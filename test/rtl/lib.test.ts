/** Unit testbenches for hw/rtl/lib, each against a plain TypeScript reference model. */
import { expect } from "chai";
import { Module, Simulator, type Bits } from "../../hw/rtl/index.ts";
import { Counter, Fifo, Lfsr, RoundRobinArbiter, ShiftRegister, SkidBuffer } from "../../hw/rtl/lib/index.ts";
import { Rng } from "../../verif/random/rng.ts";

/** Any ready/valid block with the Fifo/SkidBuffer port names. */
interface Stream {
  in_valid: Bits;
  in_ready: Bits;
  in_data: Bits;
  out_valid: Bits;
  out_ready: Bits;
  out_data: Bits;
}

/**
 * Drives random valid/ready, checks that every accepted beat comes out once, in order, and
 * returns the number of beats transferred and the cycles where the FIFO held `capacity` beats.
 */
function streamCheck(sim: Simulator, dut: Stream, seed: number, cycles: number, capacity: number): { moved: number; fullCycles: number } {
  const rng = new Rng(seed);
  const expected: number[] = [];
  let nextData = 1;
  let moved = 0;
  let fullCycles = 0;
  let offering = false;
  for (let c = 0; c < cycles; c++) {
    // A producer holds valid and data until accepted, as the protocol requires.
    if (!offering && rng.bool(0.6)) offering = true;
    sim.poke(dut.in_valid, offering ? 1 : 0);
    sim.poke(dut.in_data, nextData & 0xff);
    sim.poke(dut.out_ready, rng.bool(0.5) ? 1 : 0);
    const accepted = offering && sim.peek(dut.in_ready) === 1;
    const delivered = sim.peek(dut.out_valid) === 1 && sim.peek(dut.out_ready) === 1;
    if (delivered) {
      expect(expected.length, `cycle ${c}: output without input`).to.be.greaterThan(0);
      expect(sim.peek(dut.out_data), `cycle ${c}`).to.equal(expected.shift());
      moved++;
    }
    if (accepted) {
      expected.push(nextData & 0xff);
      nextData++;
      offering = false;
    }
    if (expected.length === capacity) fullCycles++;
    expect(expected.length).to.be.at.most(capacity);
    sim.step();
  }
  return { moved, fullCycles };
}

describe("hw/rtl/lib", () => {
  it("Counter counts enabled cycles and wraps at its width", () => {
    class Top extends Module {
      readonly en = this.input("en", 1);
      readonly c: Counter;
      constructor() {
        super(null, "top");
        this.c = new Counter(this, "c", 4);
        this.connect(this.c.en, this.en);
      }
    }
    const top = new Top();
    const sim = new Simulator(top);
    sim.poke(top.en, 1);
    sim.step(5);
    sim.poke(top.en, 0);
    sim.step(3);
    expect(sim.peek(top.c.count)).to.equal(5);
    sim.poke(top.en, 1);
    sim.step(13);
    expect(sim.peek(top.c.count)).to.equal(2); // 18 mod 16
    sim.reset();
    expect(sim.peek(top.c.count)).to.equal(0);
  });

  it("Lfsr follows lfsr <= {lfsr[30:0], lfsr[31]^lfsr[21]^lfsr[1]^lfsr[0]} from 0xACE1", () => {
    class Top extends Module {
      readonly l = new Lfsr(this, "l");
      constructor() {
        super(null, "top");
      }
    }
    const top = new Top();
    const sim = new Simulator(top);
    sim.reset();
    let ref = 0xace1;
    for (let i = 0; i < 1000; i++) {
      expect(sim.peek(top.l.value)).to.equal(ref);
      const bit = ((ref >>> 31) ^ (ref >>> 21) ^ (ref >>> 1) ^ ref) & 1;
      ref = ((ref << 1) | bit) >>> 0;
      sim.step();
    }
  });

  for (const [depth, pipe] of [[1, false], [2, false], [2, true], [5, false], [8, true]] as const) {
    it(`Fifo depth ${depth}${pipe ? " (pipe)" : ""} delivers every beat once, in order, under random stalls`, () => {
      class Top extends Module {
        readonly f: Fifo;
        readonly in_valid = this.input("in_valid", 1);
        readonly in_data = this.input("in_data", 8);
        readonly out_ready = this.input("out_ready", 1);
        constructor() {
          super(null, "top");
          this.f = new Fifo(this, "f", { width: 8, depth, pipe });
          this.connect(this.f.in_valid, this.in_valid);
          this.connect(this.f.in_data, this.in_data);
          this.connect(this.f.out_ready, this.out_ready);
        }
      }
      const top = new Top();
      const sim = new Simulator(top);
      sim.reset();
      const dut = { ...top.f, in_valid: top.in_valid, in_data: top.in_data, out_ready: top.out_ready, in_ready: top.f.in_ready, out_valid: top.f.out_valid, out_data: top.f.out_data };
      const { moved, fullCycles } = streamCheck(sim, dut, depth * 10 + (pipe ? 1 : 0), 3000, depth);
      // A 1-entry FIFO without pipe mode moves at most one beat every other cycle.
      expect(moved).to.be.greaterThan(depth === 1 && !pipe ? 700 : 1000);
      expect(fullCycles).to.be.greaterThan(10);
    });
  }

  it("Fifo pipe mode accepts into a full FIFO in the cycle the consumer takes a beat", () => {
    class Top extends Module {
      readonly f: Fifo;
      readonly v = this.input("v", 1);
      readonly r = this.input("r", 1);
      constructor() {
        super(null, "top");
        this.f = new Fifo(this, "f", { width: 8, depth: 1, pipe: true });
        this.connect(this.f.in_valid, this.v);
        this.connect(this.f.in_data, 9);
        this.connect(this.f.out_ready, this.r);
      }
    }
    const top = new Top();
    const sim = new Simulator(top);
    sim.poke(top.v, 1);
    sim.step();
    expect(sim.peek(top.f.count)).to.equal(1);
    expect(sim.peek(top.f.in_ready)).to.equal(0);
    sim.poke(top.r, 1);
    expect(sim.peek(top.f.in_ready)).to.equal(1);
  });

  it("SkidBuffer delivers every beat in order, never holds more than 2 and streams at full rate", () => {
    class Top extends Module {
      readonly s = new SkidBuffer(this, "s", 8);
      readonly in_valid = this.input("in_valid", 1);
      readonly in_data = this.input("in_data", 8);
      readonly out_ready = this.input("out_ready", 1);
      constructor() {
        super(null, "top");
        this.connect(this.s.in_valid, this.in_valid);
        this.connect(this.s.in_data, this.in_data);
        this.connect(this.s.out_ready, this.out_ready);
      }
    }
    const top = new Top();
    const sim = new Simulator(top);
    sim.reset();
    const dut = { in_valid: top.in_valid, in_data: top.in_data, out_ready: top.out_ready, in_ready: top.s.in_ready, out_valid: top.s.out_valid, out_data: top.s.out_data };
    const { moved, fullCycles } = streamCheck(sim, dut, 7, 3000, 2);
    expect(moved).to.be.greaterThan(1000);
    expect(fullCycles).to.be.greaterThan(10);
    // Full throughput: producer and consumer always ready -> one beat per cycle after the first.
    sim.reset();
    sim.poke(top.in_valid, 1);
    sim.poke(top.out_ready, 1);
    let beats = 0;
    for (let c = 0; c < 100; c++) {
      if (sim.peek(top.s.out_valid) === 1) beats++;
      sim.step();
    }
    expect(beats).to.equal(99);
  });

  it("RoundRobinArbiter grants one requester at a time and serves every requester within n grants", () => {
    class Top extends Module {
      readonly a = new RoundRobinArbiter(this, "a", 5);
      readonly req = this.input("req", 5);
      constructor() {
        super(null, "top");
        this.connect(this.a.req, this.req);
        this.connect(this.a.en, 1);
      }
    }
    const top = new Top();
    const sim = new Simulator(top);
    sim.reset();
    // All requesting: grants rotate 0,1,2,3,4,0,...
    sim.poke(top.req, 0b11111);
    const order: number[] = [];
    for (let c = 0; c < 7; c++) {
      order.push(sim.peek(top.a.grant_index));
      expect(sim.peek(top.a.grant)).to.equal(1 << order[c]!);
      sim.step();
    }
    expect(order).to.deep.equal([0, 1, 2, 3, 4, 0, 1]);
    // Random requests: each grant is a requester; a waiting requester waits at most n-1 grants.
    const rng = new Rng(3);
    const waiting = [0, 0, 0, 0, 0];
    for (let c = 0; c < 2000; c++) {
      const req = rng.bits(5);
      sim.poke(top.req, req);
      const grant = sim.peek(top.a.grant);
      if (req === 0) expect(grant).to.equal(0);
      else {
        expect(grant & req).to.equal(grant);
        expect(grant & (grant - 1)).to.equal(0);
      }
      for (let i = 0; i < 5; i++) {
        if ((req >>> i) & 1 && !((grant >>> i) & 1)) waiting[i]!++;
        else waiting[i] = 0;
        expect(waiting[i]).to.be.at.most(4);
      }
      sim.step();
    }
  });

  it("ShiftRegister delays its input by its length", () => {
    class Top extends Module {
      readonly s = new ShiftRegister(this, "s", 16, 4);
      readonly in = this.input("in", 16);
      constructor() {
        super(null, "top");
        this.connect(this.s.in, this.in);
      }
    }
    const top = new Top();
    const sim = new Simulator(top);
    const seen: number[] = [];
    for (let c = 0; c < 12; c++) {
      sim.poke(top.in, 100 + c);
      seen.push(sim.peek(top.s.out));
      sim.step();
    }
    expect(seen).to.deep.equal([0, 0, 0, 0, 100, 101, 102, 103, 104, 105, 106, 107]);
  });
});
