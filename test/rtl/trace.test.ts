/** The kernel's VCD tracer, read back through waveforms/vcd-reader (vcd-stream's WASM parser). */
import { expect } from "chai";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Module, Simulator, type Bits, type WideBits } from "../../hw/rtl/index.ts";
import { Fifo, Lfsr } from "../../hw/rtl/lib/index.ts";
import { readVcdFile, valueAt } from "../../waveforms/vcd-reader.ts";

class Traced extends Module {
  readonly lfsr = new Lfsr(this, "lfsr");
  readonly fifo = new Fifo(this, "fifo", { width: 8, depth: 3 });
  readonly wide: WideBits = this.regWide("wide", 200, { init: 1n });
  readonly state: Bits = this.reg("state", 2, { fsm: { IDLE: 0, FILL: 1, DRAIN: 2 } });
  constructor() {
    super(null, "top");
    this.connect(this.fifo.in_valid, this.bitOf(0));
    this.connect(this.fifo.out_ready, this.bitOf(1));
    const data = this.wire("data", 8);
    this.comb({ reads: [this.lfsr.value], writes: [data], name: "data" }, () => (data.value = this.lfsr.value.value >>> 8));
    this.connect(this.fifo.in_data, data);
    this.seq(() => {
      this.wide.next = (this.wide.value * 5n + BigInt(this.lfsr.value.value)) & ((1n << 200n) - 1n);
      this.state.next = this.fifo.count.value === 3 ? 2 : this.fifo.count.value === 0 ? 0 : 1;
    });
  }
  /** A wire carrying one LFSR bit, so valid and ready toggle pseudo-randomly. */
  private bitOf(i: number): Bits {
    const w = this.wire(`bit${i}`, 1);
    this.comb({ reads: [this.lfsr.value], writes: [w], name: `bit${i}` }, () => (w.value = this.lfsr.value.value >>> (i * 7)));
    return w;
  }
}

describe("VCD tracing", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-trace-"));

  it("every value the design had at every cycle reads back identically, wide vectors included", async () => {
    const top = new Traced();
    const sim = new Simulator(top);
    const file = join(dir, "all.vcd");
    sim.trace(file);
    const signals = sim.signals();
    const history: (number | bigint)[][] = [];
    for (let c = 0; c < 300; c++) {
      history.push(signals.map((s) => sim.peek(s.handle)));
      sim.step();
    }
    history.push(signals.map((s) => sim.peek(s.handle)));
    sim.close();
    const vcd = await readVcdFile(file);
    expect(vcd.timescale).to.equal("1ps");
    for (const [i, s] of signals.entries()) {
      const read = vcd.byName.get(s.path);
      expect(read, s.path).to.not.equal(undefined);
      expect(read!.width).to.equal(s.width);
      for (let c = 0; c <= 300; c++) {
        expect(valueAt(read!, c * 1250), `${s.path} at cycle ${c}`).to.equal(BigInt(history[c]![i]!));
      }
    }
    const clk = vcd.byName.get("top.clk")!;
    expect(valueAt(clk, 1250)).to.equal(1n);
    expect(valueAt(clk, 1250 + 625)).to.equal(0n);
  });

  it("dumps only the chosen scopes, depth and cycle window", async () => {
    const top = new Traced();
    const sim = new Simulator(top);
    const file = join(dir, "window.vcd");
    sim.trace(file, { scopes: ["top.fifo"], window: [10, 20] });
    sim.step(50);
    sim.close();
    const vcd = await readVcdFile(file);
    const names = vcd.signals.map((s) => s.name);
    expect(names).to.include("top.fifo.count");
    expect(names.some((n) => n.startsWith("top.lfsr."))).to.equal(false);
    expect(names).to.not.include("top.wide");
    const count = vcd.byName.get("top.fifo.count")!;
    expect(count.times[0]).to.equal(10 * 1250);
    expect(vcd.endTime).to.be.at.most(20 * 1250 + 625);

    const top2 = new Traced();
    const sim2 = new Simulator(top2);
    const shallow = join(dir, "shallow.vcd");
    sim2.trace(shallow, { depth: 1 });
    sim2.step(2);
    sim2.close();
    const v2 = await readVcdFile(shallow);
    expect(v2.signals.map((s) => s.name)).to.include("top.wide");
    expect(v2.signals.some((s) => s.name.startsWith("top.fifo."))).to.equal(false);
  });

  it("writes a .gtkw next to the VCD, grouped by module, FSM states through a translate file", () => {
    const top = new Traced();
    const sim = new Simulator(top);
    const file = join(dir, "grouped.vcd");
    const tracer = sim.trace(file);
    sim.step(3);
    sim.close();
    expect(tracer.gtkwPath).to.equal(join(dir, "grouped.gtkw"));
    const text = readFileSync(tracer.gtkwPath!, "utf8");
    expect(text).to.include(`[dumpfile] "${file}"`);
    expect(text).to.match(/-top\.fifo\n/);
    expect(text).to.include("top.fifo.count[1:0]");
    const states = join(dir, "grouped.top.state.states.txt");
    expect(existsSync(states)).to.equal(true);
    expect(readFileSync(states, "utf8")).to.match(/FILL/);
    expect(text).to.include(`^1 ${states}`);
  });
});
