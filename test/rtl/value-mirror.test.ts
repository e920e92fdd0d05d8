/**
 * ValueMirror: after each refresh, the copy of every signal (registers, inputs driven by
 * registers of other modules, an input tied to a constant, slots far apart) holds its current
 * value, in memory of the caller's, wherever the runs of the value store were placed.
 */
import { expect } from "chai";
import { Module, Simulator, ValueMirror, type Bits, type BitsVec } from "../../hw/rtl/index.ts";
import { xorshift32 } from "../waveforms/xorshift.ts";

/** A counter-like block: `r` takes `d` every cycle; `pad` registers put distance between blocks' slots. */
class Leaf extends Module {
  readonly d = this.input("d", 32);
  readonly r: Bits;
  constructor(parent: Module, name: string, pad: number) {
    super(parent, name);
    for (let i = 0; i < pad; i++) this.reg(`pad${i}`, 8);
    this.r = this.reg("r", 32);
    const r = this.r;
    this.seq(() => {
      r.next = this.d.value;
    });
  }
}

class Top extends Module {
  readonly leaves: Leaf[] = [];
  readonly tied: Bits;
  readonly watched: BitsVec;
  constructor() {
    super(null, "top");
    // 4 leaves close together (one run), 2 after 200 padding registers each (runs of their own)
    [0, 0, 0, 0, 200, 200].forEach((pad, i) => {
      const leaf = new Leaf(this, `l${i}`, pad);
      this.connect(leaf.d, this.input(`d${i}`, 32));
      this.leaves.push(leaf);
    });
    const sink = new Leaf(this, "sink", 0);
    this.tied = sink.d;
    this.connect(sink.d, 7);
    // watched in an order unrelated to the slots: inputs (their drivers' slots), registers, the constant
    this.watched = this.vec([this.leaves[5]!.r, this.leaves[0]!.d, this.tied, this.leaves[2]!.r, this.leaves[4]!.r, this.leaves[1]!.r, this.leaves[3]!.r]);
  }
}

describe("rtl: ValueMirror copies signals' current values into memory of the caller's", () => {
  it("every signal's copy follows its value over 200 random cycles; runs are placed by the caller", () => {
    const top = new Top();
    const sim = new Simulator(top);
    sim.reset();
    const memory = new Uint32Array(4096);
    let used = 8;
    const placed: [number, number][] = [];
    const mirror = new ValueMirror(top.watched, (words) => {
      const at = used;
      used = at + words + 3;
      placed.push([words, at]);
      return memory.subarray(at, at + words);
    });
    expect(placed.length, "runs: the close leaves, then two far ones, and the constant").to.be.greaterThan(2);
    expect(placed.reduce((n, [w]) => n + w, 0), "no run spans the padding").to.be.lessThan(200);
    // each copy starts at its slot's address modulo 8 (the mirror takes one word more to place it)
    top.watched.signals.forEach((s, i) => expect((mirror.index[i]! - s.slot) & 1, `${s.path}: parity`).to.equal(0));
    const rnd = xorshift32(11);
    for (let cycle = 0; cycle < 200; cycle++) {
      for (let i = 0; i < 6; i++) sim.poke(`top.d${i}`, rnd() >>> 0);
      sim.step(1);
      mirror.refresh();
      top.watched.signals.forEach((s, i) => {
        expect(memory[mirror.index[i]!], `${s.path} at cycle ${cycle}`).to.equal(s.value);
      });
    }
    expect(memory[mirror.index[2]!]).to.equal(7);
  });
});
