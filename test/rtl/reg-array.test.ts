/** Register arrays: next-state semantics, holding, last write wins, reset, waveforms, errors. */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Module, Simulator, type RegArray } from "../../hw/rtl/index.ts";
import { readVcdFile, valueAt } from "../../waveforms/vcd-reader.ts";

/** A 4-entry rotating register file: every cycle entry i takes entry i+1's old value. */
class Rotate extends Module {
  readonly rf: RegArray;
  readonly head = this.output("head", 8);
  readonly write_en = this.input("write_en", 1);
  readonly write_index = this.input("write_index", 2);
  readonly write_data = this.input("write_data", 8);
  readonly rotate = this.input("rotate", 1);
  constructor(resettable = false) {
    super(null, "top");
    this.rf = this.regArray("rf", 4, 8, { init: 7, resettable });
    this.comb({ reads: [], writes: [this.head] }, () => (this.head.value = this.rf.get(0)));
    this.seq(this.update);
  }
  private update(): void {
    if (this.rotate.value === 1) for (let i = 0; i < 4; i++) this.rf.set(i, this.rf.get((i + 1) & 3));
    // A later write to the same entry in the same cycle wins, as for registers.
    if (this.write_en.value === 1) this.rf.set(this.write_index.value, this.write_data.value);
  }
}

const contents = (sim: Simulator, top: Rotate): number[] => top.rf.entries.map((e) => sim.peek(e));

/** Loads entries 0..2 of a 4-entry, 8-bit array from a word array with setFrom when `load` is 1. */
class BulkLoad extends Module {
  readonly rf: RegArray;
  readonly load = this.input("load", 1);
  readonly words = new Int32Array([0x1ff, 0x22, -1, 0x44, 0x55]);
  constructor() {
    super(null, "top");
    this.rf = this.regArray("rf", 4, 8, { init: 7 });
    this.seq(() => {
      if (this.load.value === 1) this.rf.setFrom(this.words, 1, 3);
    });
  }
}

describe("register arrays", () => {
  it("reads see values from before the edge, so a rotation through the array is exact", () => {
    const top = new Rotate();
    const sim = new Simulator(top);
    expect(contents(sim, top)).to.deep.equal([7, 7, 7, 7]);
    for (let i = 0; i < 4; i++) {
      sim.poke(top.write_en, 1);
      sim.poke(top.write_index, i);
      sim.poke(top.write_data, 10 + i);
      sim.step();
    }
    sim.poke(top.write_en, 0);
    expect(contents(sim, top)).to.deep.equal([10, 11, 12, 13]);
    sim.poke(top.rotate, 1);
    sim.step();
    expect(contents(sim, top)).to.deep.equal([11, 12, 13, 10]);
    expect(sim.peek(top.head)).to.equal(11);
    sim.poke(top.rotate, 0);
    sim.step(5);
    expect(contents(sim, top)).to.deep.equal([11, 12, 13, 10]); // unwritten entries hold
  });

  it("the last write to an entry in a cycle wins and values are masked to the width", () => {
    const top = new Rotate();
    const sim = new Simulator(top);
    sim.poke(top.rotate, 1);
    sim.poke(top.write_en, 1);
    sim.poke(top.write_index, 2);
    sim.poke(top.write_data, 0xab);
    sim.step();
    expect(contents(sim, top)).to.deep.equal([7, 7, 0xab, 7]);
    expect(sim.peek("top.rf[2]")).to.equal(0xab);
  });

  it("keeps its contents through reset unless resettable, like an SRAM", () => {
    for (const resettable of [false, true]) {
      const top = new Rotate(resettable);
      const sim = new Simulator(top);
      sim.poke(top.write_en, 1);
      sim.poke(top.write_data, 99);
      sim.step();
      sim.poke(top.write_en, 0);
      sim.reset();
      expect(sim.peek(top.rf.entries[0]!)).to.equal(resettable ? 7 : 99);
    }
  });

  it("every entry is a signal in the waveform", async () => {
    const top = new Rotate();
    const sim = new Simulator(top);
    const file = join(mkdtempSync(join(tmpdir(), "tsrtl-rf-")), "rf.vcd");
    sim.trace(file, { gtkw: false });
    sim.poke(top.write_en, 1);
    sim.poke(top.write_index, 3);
    sim.poke(top.write_data, 42);
    sim.step(2);
    sim.close();
    const vcd = await readVcdFile(file);
    expect(valueAt(vcd.byName.get("top.rf[3]")!, 1250)).to.equal(42n);
    expect(valueAt(vcd.byName.get("top.rf[3]")!, 0)).to.equal(7n);
  });

  it("refuses an index out of range and .next on an entry, naming the array", () => {
    const top = new Rotate();
    new Simulator(top);
    expect(() => top.rf.get(4)).to.throw(/top\.rf: index 4 outside 0\.\.3/);
    expect(() => top.rf.set(-1, 0)).to.throw(/top\.rf: index -1/);
    expect(() => (top.rf.entries[0]!.next = 1)).to.throw(/only registers have a next value/);
  });

  it("a large array costs the edge nothing while idle: 100,000 entries step as fast as none", () => {
    class Big extends Module {
      readonly a = this.regArray("a", 100_000, 32);
      readonly n = this.reg("n", 32);
      constructor() {
        super(null, "top");
        this.seq(() => {
          this.n.next = this.n.value + 1;
          this.a.set(this.n.value % 100_000, this.n.value);
        });
      }
    }
    const top = new Big();
    const sim = new Simulator(top);
    sim.step(1000);
    expect(top.a.get(999)).to.equal(999);
    expect(top.a.get(1000)).to.equal(0);
    // Functional, not timed: the register region the edge copies holds the counter only.
    expect(sim.design.storage.narrowRegs).to.equal(1);
  });
  it("setFrom assigns a run of entries after the edge, masked, others hold", () => {
    const top = new BulkLoad();
    const sim = new Simulator(top);
    const values = (): number[] => top.rf.entries.map((e) => sim.peek(e));
    sim.poke(top.load, 1);
    expect(values()).to.deep.equal([7, 7, 7, 7]);
    sim.step();
    expect(values()).to.deep.equal([0x22, 0xff, 0x44, 7]);
    expect(() => top.rf.setFrom(top.words, 0, 5)).to.throw("top.rf: index 4 outside 0..3");
  });
});
