/**
 * The scan thread (waveforms/vcd-scan-thread.ts) writes byte for byte the VCD that the tracer
 * writes on the simulation thread: over many output buffers, starting mid-run (a window), on a
 * file system with and without O_DIRECT; and a write failure is an error naming the file.
 */
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Simulator, type TraceOptions } from "../../hw/rtl/index.ts";
import { CounterArray } from "../../bench/designs/counters.ts";
import { FifoChain } from "../../bench/designs/fifo-chain.ts";
import { readVcdFile } from "../../waveforms/vcd-reader.ts";
import { VcdScanThread } from "../../waveforms/vcd-scan-thread.ts";
import { FileSink } from "../../waveforms/vcd-sink.ts";
import { VcdWriter } from "../../waveforms/vcd-writer.ts";

/** Runs a fresh design for `cycles` with a trace to `file`, and returns the file. */
function dump(file: string, make: () => ConstructorParameters<typeof Simulator>[0], cycles: number, options: TraceOptions): Buffer {
  const sim = new Simulator(make());
  sim.reset();
  sim.trace(file, { gtkw: false, ...options });
  sim.step(cycles);
  sim.close();
  return readFileSync(file);
}

describe("waveforms: VCD scan thread", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-scan-thread-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the same bytes as the simulation thread, over many buffers (128 counters, ~6 MB)", () => {
    const make = (): CounterArray => new CounterArray(null, "top", 128);
    const threaded = dump(join(dir, "threaded.vcd"), make, 5000, {});
    const inline = dump(join(dir, "inline.vcd"), make, 5000, { scanThread: false });
    expect(threaded.length).to.be.greaterThan(3 << 20);
    expect(threaded.equals(inline)).to.equal(true);
  });

  it("writes the same bytes when the dump starts mid-run (window) and ends before the run does", () => {
    const make = (): FifoChain => new FifoChain(null, "top", 8, 3);
    const window: [number, number] = [777, 4321];
    const threaded = dump(join(dir, "w-threaded.vcd"), make, 6000, { window });
    const inline = dump(join(dir, "w-inline.vcd"), make, 6000, { window, scanThread: false });
    expect(threaded.equals(inline)).to.equal(true);
    const text = threaded.toString("utf8");
    expect(text).to.include(`#${777 * 1250}\n`);
    expect(text.trimEnd().split("\n").filter((l) => l.startsWith("#")).pop()).to.equal(`#${4321 * 1250 + 625}`);
  });

  it("writes the same bytes with times of 9 to 16 digits (zero-padded low halves, up to 7.5e15 ps)", () => {
    const make = (): CounterArray => new CounterArray(null, "top", 7);
    for (const periodPs of [100_000_002, 1_500_000_000_000]) {
      const threaded = dump(join(dir, "t-threaded.vcd"), make, 3000, { periodPs });
      const inline = dump(join(dir, "t-inline.vcd"), make, 3000, { periodPs, scanThread: false });
      expect(threaded.equals(inline), `period ${periodPs}`).to.equal(true);
      expect(threaded.toString("utf8"), `period ${periodPs}`).to.include(`\n#${3000 * periodPs + periodPs / 2}\n`);
    }
  });

  it("writes the same bytes for a scope of two nets (the worker scans them all) and for one of many", () => {
    const make = (): CounterArray => new CounterArray(null, "top", 40);
    for (const scopes of [["top.counter3"], ["top"]]) {
      const threaded = dump(join(dir, "s-threaded.vcd"), make, 2000, { scopes, depth: 1 });
      const inline = dump(join(dir, "s-inline.vcd"), make, 2000, { scopes, depth: 1, scanThread: false });
      expect(threaded.equals(inline), scopes[0]).to.equal(true);
    }
  });

  it("reads back: every counter's last value in the file is the simulator's", async () => {
    const top = new CounterArray(null, "top", 16);
    const sim = new Simulator(top);
    sim.reset();
    const file = join(dir, "readback.vcd");
    sim.trace(file, { gtkw: false });
    sim.step(3000);
    sim.close();
    const vcd = await readVcdFile(file);
    for (let i = 0; i < 16; i++) {
      const name = `top.counter${i}.count`;
      const signal = vcd.byName.get(name);
      expect(signal, name).to.not.equal(undefined);
      expect(signal!.values.length, name).to.be.greaterThan(10);
      expect(signal!.values[signal!.values.length - 1], name).to.equal(BigInt(sim.peek(name)));
    }
  });

  it("writes the same bytes on tmpfs (/dev/shm), whether or not it takes O_DIRECT", function () {
    if (!existsSync("/dev/shm")) throw new Error("this test needs /dev/shm (a tmpfs)");
    const shm = mkdtempSync("/dev/shm/tsrtl-scan-thread-");
    try {
      const make = (): CounterArray => new CounterArray(null, "top", 32);
      const threaded = dump(join(shm, "threaded.vcd"), make, 3000, {});
      const inline = dump(join(dir, "shm-inline.vcd"), make, 3000, { scanThread: false });
      expect(threaded.equals(inline)).to.equal(true);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it("a worker that cannot write reports it, naming the file, at the next wait or at close (no hang)", () => {
    const start = (file: string): { thread: VcdScanThread; store: Uint32Array } => {
      const store = new Uint32Array(8);
      const w = new VcdWriter(new FileSink(file), { timescale: "1ps" });
      const clk = w.addVariable({ scope: ["top"], name: "clk", width: 1 });
      const x = w.addVariable({ scope: ["top"], name: "x", width: 8 });
      w.begin(0);
      w.changeBits(clk, 1);
      w.changeBits(x, 0);
      const plan = w.scanPlan(store, Int32Array.of(3), Int32Array.of(x));
      w.endInitial();
      w.time(625);
      w.changeBits(clk, 0);
      const detached = w.detach(plan);
      // the file turns into a directory before the worker opens it
      rmSync(file);
      mkdirSync(file);
      return { thread: new VcdScanThread(file, detached, w.idCode(clk), 1250), store };
    };
    const a = start(join(dir, "gone-a.vcd"));
    expect(() => a.thread.close()).to.throw(/writing .*gone-a\.vcd failed: .*EISDIR/);
    const b = start(join(dir, "gone-b.vcd"));
    expect(() => {
      for (let c = 1; c < 100_000; c++) {
        b.store[3] = c;
        b.thread.sample(c);
      }
    }).to.throw(/writing .*gone-b\.vcd failed: .*EISDIR/);
    expect(() => b.thread.close()).to.throw(/gone-b\.vcd/);
  });
});
