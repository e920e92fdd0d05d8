/** Register banks: layout across modules, the next-value store, reset, pokes, and errors. */
import { expect } from "chai";
import { DesignError, ElaborationError, Module, RegisterBank, Simulator, ValueMirror, type BitsVec, type RegArray } from "../../hw/rtl/index.ts";
import { xorshift32 } from "../waveforms/xorshift.ts";

/** One 3-entry, 8-bit array; entry i takes `d<i>` when `we` is 1 (through RegArray.setFrom when d0 is odd, else set). */
class Cell extends Module {
  readonly rf: RegArray;
  readonly we = this.input("we", 1);
  readonly d = [this.input("d0", 8), this.input("d1", 8), this.input("d2", 8)];
  /** Entry 2 as an output port (a poke through it must reach the entry). */
  readonly q = this.output("q", 8);
  constructor(parent: Module, name: string, bank: RegisterBank | undefined) {
    super(parent, name);
    this.rf = this.regArray("rf", 3, 8, { init: 5, resettable: true, bank });
    this.connect(this.q, this.rf.entries[2]!);
    const words = new Int32Array(3);
    this.seq(() => {
      if (this.we.value !== 1) return;
      for (let i = 0; i < 3; i++) words[i] = this.d[i]!.value;
      if ((words[0]! & 1) === 1) this.rf.setFrom(words, 0, 3);
      else for (let i = 0; i < 3; i++) this.rf.set(i, words[i]!);
    });
  }
}

/** Two cells whose arrays share a bank (declared b before a: the bank's order, not the path's), and a bank-less twin. */
class Pair extends Module {
  readonly a: Cell;
  readonly b: Cell;
  /** a's entry 1, a's write enable and b's entry 2 through its port (for a value mirror). */
  readonly watched: BitsVec;
  constructor(readonly bank: RegisterBank | undefined) {
    super(null, "top");
    this.b = new Cell(this, "b", bank);
    this.a = new Cell(this, "a", bank);
    for (const [n, c] of [["a", this.a], ["b", this.b]] as const) {
      this.connect(c.we, this.input(`${n}_we`, 1));
      c.d.forEach((d, i) => this.connect(d, this.input(`${n}_d${i}`, 8)));
    }
    this.watched = this.vec([this.a.rf.entries[1]!, this.a.we, this.b.q]);
  }
}

const values = (sim: Simulator, top: Pair): number[] => [...top.a.rf.entries, ...top.b.rf.entries].map((e) => sim.peek(e));

describe("register banks", () => {
  it("lays out the bank's arrays side by side in declaration order, across modules", () => {
    const bank = new RegisterBank("top.bank");
    const top = new Pair(bank);
    new Simulator(top);
    expect(bank.length).to.equal(6);
    expect(bank.offsetOf(top.b.rf)).to.equal(0);
    expect(bank.offsetOf(top.a.rf)).to.equal(3);
    expect(top.b.rf.entries.map((e) => e.slot - bank.firstSlot)).to.deep.equal([0, 1, 2]);
    expect(top.a.rf.entries.map((e) => e.slot - bank.firstSlot)).to.deep.equal([3, 4, 5]);
  });

  it("RegArray.set and setFrom on a banked array behave as on a plain one (300 random cycles, reset included)", () => {
    const banked = new Pair(new RegisterBank("top.bank"));
    const plain = new Pair(undefined);
    const sims = [new Simulator(banked), new Simulator(plain)] as const;
    const rnd = xorshift32(7);
    for (let c = 0; c < 300; c++) {
      const r = rnd();
      const inputs: [string, number][] = [
        ["top.a_we", r & 1],
        ["top.b_we", (r >>> 1) & 1],
        ["top.reset", (r >>> 2) % 23 === 0 ? 1 : 0],
        ...[0, 1, 2].flatMap((i): [string, number][] => [[`top.a_d${i}`, (r >>> (8 + 3 * i)) & 0xff], [`top.b_d${i}`, (r >>> (11 + 3 * i)) & 0xff]]),
      ];
      for (const sim of sims) {
        for (const [path, v] of inputs) sim.poke(path, v);
        sim.step();
      }
      expect(values(sims[0], banked), `cycle ${c}`).to.deep.equal(values(sims[1], plain));
    }
  });

  it("keeps a copy of the current values through edges, pokes and resets (300 random cycles), and value mirrors read banked registers there", () => {
    let copies = 0;
    const memory = new Uint32Array(64);
    const bank = new RegisterBank("top.bank", {
      currentCopy: { memory: (words) => memory.subarray(32, 32 + words), copier: (to, from) => () => (copies++, to.set(from)) },
    });
    const top = new Pair(bank);
    const sim = new Simulator(top);
    const mirror = new ValueMirror(top.watched, (words) => memory.subarray(8, 8 + words), memory.buffer);
    const copy = bank.currentCopy!;
    // the banked entries are read in the bank's copy (b's array first, then a's); the input is mirrored
    expect(Array.from(mirror.index)).to.deep.equal([32 + 4, 8 + ((top.a.we.slot ^ 8) & 1), 32 + 2]);
    // not told which buffer it reads: it copies the banked registers too
    const copying = new ValueMirror(top.watched, (words) => new Uint32Array(words + 40).subarray(40));
    expect(Array.from(copying.index).every((k) => k >= 40), "all indices into its own runs").to.equal(true);
    const rnd = xorshift32(11);
    for (let c = 0; c < 300; c++) {
      const r = rnd();
      sim.poke("top.a_we", r & 1);
      sim.poke("top.b_we", (r >>> 1) & 1);
      sim.poke("top.reset", (r >>> 2) % 23 === 0 ? 1 : 0);
      for (let i = 0; i < 3; i++) sim.poke(`top.a_d${i}`, (r >>> (8 + i)) & 0xff);
      if ((r >>> 20) % 17 === 0) sim.poke(top.b.q, (r >>> 24) & 0xff); // through a port connected to entry 2
      sim.step();
      expect(Array.from(copy), `cycle ${c}`).to.deep.equal([...top.b.rf.entries, ...top.a.rf.entries].map((e) => sim.peek(e)));
    }
    expect(copies, "refreshed at the edges that latched something").to.be.greaterThan(100);
  });

  it("a value mirror reads a banked register in its bank's copy also when the signals around it are copied in one run", () => {
    class Around extends Module {
      readonly v: BitsVec;
      readonly rf: RegArray;
      constructor(bank: RegisterBank) {
        super(null, "top");
        const before = this.reg("before", 8);
        this.rf = this.regArray("rf", 4, 8, { init: 5, bank });
        const after = this.regArray("after", 2, 8).entries[0]!;
        this.v = this.vec([before, this.rf.entries[1]!, after]);
      }
    }
    const memory = new Uint32Array(256);
    const bank = new RegisterBank("top.bank", { currentCopy: { memory: (words) => memory.subarray(128, 128 + words), copier: (to, from) => () => to.set(from) } });
    const top = new Around(bank);
    new Simulator(top);
    const [lo, mid, hi] = Array.from(top.v.slots);
    expect(lo! < mid! && mid! < hi! && hi! - lo! <= 64, "the layout this test is about").to.equal(true);
    let at = 8;
    const mirror = new ValueMirror(top.v, (words) => memory.subarray(at, (at += words)), memory.buffer);
    expect(mirror.index[1]).to.equal(128 + 1);
    expect(mirror.index[0]! < 128 && mirror.index[2]! < 128, "the others in the run").to.equal(true);
  });

  it("writing the next-value store assigns at the edge; entries not written hold", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const bank = new RegisterBank("top.bank", { nextStore: (words) => new Uint32Array(memory.buffer, 64, words) });
    const top = new Pair(bank);
    const sim = new Simulator(top);
    expect(values(sim, top)).to.deep.equal([5, 5, 5, 5, 5, 5]);
    // the bank asked for one word more and starts its store at its first slot's address modulo 8
    expect(bank.next.byteOffset - 64, "within the memory given").to.be.oneOf([0, 4]);
    expect(((bank.next.byteOffset >> 2) - bank.firstSlot) & 1, "slot parity").to.equal(0);
    expect(bank.indexOf(top.a.rf)).to.equal((bank.next.byteOffset >> 2) + 3);
    expect(Array.from(bank.next)).to.deep.equal([5, 5, 5, 5, 5, 5]);
    bank.next[bank.offsetOf(top.a.rf) + 1] = 0x42;
    bank.markWritten();
    expect(sim.peek(top.a.rf.entries[1]!)).to.equal(5); // not before the edge
    sim.step();
    expect(values(sim, top)).to.deep.equal([5, 0x42, 5, 5, 5, 5]);
    sim.step(3);
    expect(values(sim, top)).to.deep.equal([5, 0x42, 5, 5, 5, 5]);
    expect(Array.from(bank.next), "the store holds what it latched").to.deep.equal([5, 5, 5, 5, 0x42, 5]);
  });

  it("calls beforeLatch at every edge, before the store is latched", () => {
    const seen: number[] = [];
    const bank: RegisterBank = new RegisterBank("top.bank", { beforeLatch: () => seen.push(top.b.rf.get(0)) });
    const top: Pair = new Pair(bank);
    const sim = new Simulator(top);
    for (let c = 0; c < 3; c++) {
      bank.next[0] = 10 + c;
      bank.markWritten();
      sim.step();
    }
    expect(seen).to.deep.equal([5, 10, 11]);
    expect(sim.peek(top.b.rf.entries[0]!)).to.equal(12);
  });

  it("reset loads init into the store too, and a poke holds through later edges", () => {
    const bank = new RegisterBank("top.bank");
    const top = new Pair(bank);
    const sim = new Simulator(top);
    bank.next.fill(9);
    bank.markWritten();
    sim.step();
    sim.reset();
    expect(values(sim, top)).to.deep.equal([5, 5, 5, 5, 5, 5]);
    sim.step(2);
    expect(values(sim, top)).to.deep.equal([5, 5, 5, 5, 5, 5]);
    sim.poke("top.b.rf[2]", 0x1ff);
    sim.step(2);
    expect(sim.peek("top.b.rf[2]")).to.equal(0xff);
    sim.poke("top.a.q", 0x33); // through the port connected to the entry
    sim.poke("top.b_we", 1); // the bank is written (and latched) in the cycles that follow
    sim.step(2);
    expect(sim.peek("top.a.rf[2]")).to.equal(0x33);
  });

  it("counts the events that may change its current values: a latch of written values, a poke, a reset", () => {
    const bank = new RegisterBank("top.bank");
    const top = new Pair(bank);
    const sim = new Simulator(top);
    let seen = bank.generation;
    const changed = (): boolean => {
      const c = bank.generation !== seen;
      seen = bank.generation;
      return c;
    };
    sim.step(2);
    expect(changed(), "nothing written").to.equal(false);
    sim.poke("top.a_we", 1);
    sim.step();
    expect(changed(), "RegArray.set").to.equal(true);
    expect(changed(), "asked again").to.equal(false);
    sim.poke("top.a_we", 0);
    sim.poke("top.b.rf[1]", 3);
    expect(changed(), "poke").to.equal(true);
    sim.reset();
    expect(changed(), "reset").to.equal(true);
  });

  it("names the bank and the array in its errors", () => {
    const bank = new RegisterBank("top.bank");
    expect(() => bank.next).to.throw(DesignError, "register bank top.bank is not elaborated yet");
    const top = new Pair(bank);
    expect(() => bank.offsetOf(new Pair(undefined).a.rf)).to.throw(DesignError, "top.a.rf is not in register bank top.bank");
    new Simulator(top);
    expect(() => new Cell(top, "late", bank)).to.throw(DesignError, "top.late.rf: register bank top.bank is already elaborated");
    const short = new RegisterBank("top.short", { nextStore: () => new Uint32Array(2) });
    expect(() => new Simulator(new Pair(short))).to.throw(DesignError, "register bank top.short: its next-value store has 2 words, the bank asked for 7");
  });

  it("refuses a bank whose arrays are not all in the design", () => {
    const bank = new RegisterBank("top.bank");
    new Cell(new Pair(undefined), "stray", bank);
    expect(() => new Simulator(new Pair(bank))).to.throw(ElaborationError, "register bank top.bank: top.stray.rf is not part of this design");
  });
});
