/** Memories: read latency, byte enables, read-first ports, lazily allocated pages. */
import { expect } from "chai";
import { Module, Simulator, type Memory, type Bits, type WideBits } from "../../hw/rtl/index.ts";

/** A memory whose single port is driven straight from top-level inputs. */
class OnePort extends Module {
  readonly mem: Memory<Bits>;
  readonly en = this.input("en", 1);
  readonly wen = this.input("wen", 1);
  readonly addr: Bits;
  readonly wdata = this.input("wdata", 32);
  readonly wmask = this.input("wmask", 4);
  readonly rdata = this.output("rdata", 32);
  constructor(latency: number, depth = 1024) {
    super(null, "top");
    this.mem = this.memory("ram", { depth, width: 32, readLatency: latency });
    const p = this.mem.ports[0]!;
    this.addr = this.input("addr", p.addr.width);
    this.connect(p.en, this.en);
    this.connect(p.wen, this.wen);
    this.connect(p.addr, this.addr);
    this.connect(p.wdata, this.wdata);
    this.connect(p.wmask!, this.wmask);
    this.connect(this.rdata, p.rdata);
  }
}

function write(sim: Simulator, top: OnePort, addr: number, data: number, mask = 0xf): void {
  sim.poke(top.en, 1);
  sim.poke(top.wen, 1);
  sim.poke(top.addr, addr);
  sim.poke(top.wdata, data);
  sim.poke(top.wmask, mask);
  sim.step();
  sim.poke(top.en, 0);
  sim.poke(top.wen, 0);
}

describe("memory", () => {
  for (const latency of [1, 2, 3]) {
    it(`returns read data exactly ${latency} cycle(s) after the address`, () => {
      const top = new OnePort(latency);
      const sim = new Simulator(top);
      write(sim, top, 5, 0xdeadbeef);
      write(sim, top, 6, 0x12345678);
      sim.poke(top.en, 1);
      sim.poke(top.addr, 5);
      sim.step();
      sim.poke(top.addr, 6);
      const seen: number[] = [];
      for (let c = 1; c <= latency + 1; c++) {
        seen.push(sim.peek(top.rdata));
        sim.step();
        sim.poke(top.en, 0);
      }
      // After the edge that sampled address 5, the data shows `latency` edges later (index latency-1).
      expect(seen[latency - 1]).to.equal(0xdeadbeef);
      if (latency > 1) expect(seen[latency - 2]).to.equal(0);
      expect(seen[latency]).to.equal(0x12345678);
      // rdata holds when no read is issued.
      sim.step(4);
      expect(sim.peek(top.rdata)).to.equal(0x12345678);
    });
  }

  it("reads combinationally with latency 0", () => {
    const top = new OnePort(0);
    const sim = new Simulator(top);
    write(sim, top, 9, 77);
    sim.poke(top.addr, 9);
    expect(sim.peek(top.rdata)).to.equal(77);
    sim.poke(top.addr, 8);
    expect(sim.peek(top.rdata)).to.equal(0);
  });

  it("writes only the byte lanes enabled by the mask", () => {
    const top = new OnePort(1);
    const sim = new Simulator(top);
    write(sim, top, 3, 0x11223344);
    write(sim, top, 3, 0xaabbccdd, 0b0101);
    expect(top.mem.peek(3)).to.equal(0x11bb33dd);
    write(sim, top, 3, 0xffffffff, 0b1000);
    expect(top.mem.peek(3)).to.equal(0xffbb33dd);
    write(sim, top, 3, 0, 0);
    expect(top.mem.peek(3)).to.equal(0xffbb33dd);
  });

  it("is read-first: a read and a write of the same word on one edge see the old data", () => {
    class TwoPort extends Module {
      readonly mem: Memory<Bits>;
      constructor() {
        super(null, "top");
        this.mem = this.memory("ram", { depth: 16, width: 16, ports: 2 });
        const [r, w] = this.mem.ports;
        this.connect(r!.en, 1);
        this.connect(r!.addr, 4);
        this.connect(w!.en, 1);
        this.connect(w!.wen, 1);
        this.connect(w!.addr, 4);
        this.connect(w!.wmask!, 3);
        const data = this.reg("data", 16, { init: 100 });
        this.connect(w!.wdata, data);
        this.seq(() => (data.next = data.value + 1));
      }
    }
    const top = new TwoPort();
    const sim = new Simulator(top);
    sim.step();
    expect(sim.peek(top.mem.ports[0]!.rdata)).to.equal(0);
    sim.step();
    expect(sim.peek(top.mem.ports[0]!.rdata)).to.equal(100);
    sim.step();
    expect(sim.peek(top.mem.ports[0]!.rdata)).to.equal(101);
  });

  it("wide memories (512-bit words) keep every bit and honour 64 byte enables", () => {
    class Wide extends Module {
      readonly mem: Memory<WideBits>;
      constructor() {
        super(null, "top");
        this.mem = this.memoryWide("line", { depth: 64, width: 512 });
      }
    }
    const top = new Wide();
    const sim = new Simulator(top);
    const p = top.mem.ports[0]!;
    const value = (1n << 511n) | 0x0123_4567_89ab_cdefn;
    top.mem.pokeBig(7, value);
    expect(top.mem.peekBig(7)).to.equal(value);
    expect(p.wmask!.width).to.equal(64);
    void sim;
  });

  it("a memory with a 1 GiB address space costs host memory only for the pages touched", () => {
    class Big extends Module {
      readonly mem: Memory<Bits>;
      constructor() {
        super(null, "top");
        this.mem = this.memory("dram", { depth: 2 ** 28, width: 32, pageBytes: 64 * 1024 });
      }
    }
    const top = new Big();
    const before = process.memoryUsage().arrayBuffers;
    new Simulator(top);
    expect(top.mem.allocatedBytes).to.equal(0);
    top.mem.poke(0, 1);
    top.mem.poke(2 ** 28 - 1, 2);
    top.mem.poke(12345678, 3);
    top.mem.poke(12345679, 4); // same page
    expect(top.mem.allocatedBytes).to.equal(3 * 64 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).to.be.lessThan(8 * 1024 * 1024);
    expect(top.mem.peek(2 ** 28 - 1)).to.equal(2);
    expect(top.mem.peek(12345679)).to.equal(4);
    expect(top.mem.peek(99999999)).to.equal(0);
    top.mem.loadBytes(4 * 1000, Uint8Array.of(1, 2, 3, 4, 5));
    expect(top.mem.peek(1000)).to.equal(0x04030201);
    expect([...top.mem.readBytes(4 * 1000 + 2, 3)]).to.deep.equal([3, 4, 5]);
  });
});
