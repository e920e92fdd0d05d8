/** The worked example of docs/kernel.md, verbatim, so the documentation cannot drift. */
import { expect } from "chai";
import { Module, Simulator, type Bits } from "../../hw/rtl/index.ts";
import { Fifo } from "../../hw/rtl/lib/index.ts";

class Counter extends Module {
  readonly en: Bits;
  readonly count: Bits;
  private readonly value: Bits;
  constructor(parent: Module | null, name: string, width = 32) {
    super(parent, name);
    this.en = this.input("en", 1);
    this.count = this.output("count", width);
    this.value = this.reg("value", width, { init: 0 });
    this.connect(this.count, this.value); // the output is the register
    this.seq(this.tick);
  }
  private tick(): void {
    if (this.en.value === 1) this.value.next = this.value.value + 1; // wraps at `width` bits
  }
}

/** A FIFO fed by the counter: a beat is offered every cycle the counter is enabled. */
class Top extends Module {
  readonly en = this.input("en", 1);
  readonly ready = this.input("ready", 1);
  readonly counter = new Counter(this, "counter", 8);
  readonly fifo = new Fifo(this, "fifo", { width: 8, depth: 4 });
  constructor() {
    super(null, "top");
    this.connect(this.counter.en, this.en);
    this.connect(this.fifo.in_valid, this.en);
    this.connect(this.fifo.in_data, this.counter.count);
    this.connect(this.fifo.out_ready, this.ready);
  }
}

describe("docs/kernel.md worked example", () => {
  it("runs as documented", () => {
    const top = new Top();
    const sim = new Simulator(top);
    sim.reset();
    sim.poke(top.en, 1);
    sim.step(4); // four beats in, consumer not ready
    expect(sim.peek(top.fifo.count)).to.equal(4);
    expect(sim.peek(top.fifo.in_ready)).to.equal(0);
    sim.poke(top.en, 0);
    sim.poke(top.ready, 1);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      out.push(sim.peek(top.fifo.out_data));
      sim.step();
    }
    expect(out).to.deep.equal([0, 1, 2, 3]);
  });
});
