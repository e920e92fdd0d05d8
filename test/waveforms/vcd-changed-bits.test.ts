// VcdWriter.changedBits (the tracer's bulk scan): every value it is shown is read back at the
// right time, whatever the widths, the values (0, top bit set, all ones) and the buffer size.
import { expect } from "chai";
import { xorshift32 as rng } from "./xorshift.ts";
import { parseVcd } from "../../waveforms/vcd-reader.ts";
import { MemorySink } from "../../waveforms/vcd-sink.ts";
import { VcdWriter } from "../../waveforms/vcd-writer.ts";


const WIDTHS = [1, 2, 7, 8, 9, 16, 24, 25, 31, 32];

function edgeValue(next: () => number, width: number): number {
  const mask = width === 32 ? 0xffffffff : 2 ** width - 1;
  const kind = next() % 6;
  const v = kind === 0 ? 0 : kind === 1 ? mask : kind === 2 ? 2 ** (width - 1) : kind === 3 ? next() % 4 : next();
  return v % 2 ** width; // the kernel's stores hold masked values
}

describe("waveforms: VcdWriter.changedBits", () => {
  for (const bufferBytes of [64, 4096, 1 << 20]) {
    it(`reads back every change of a bulk scan (buffer ${bufferBytes} bytes)`, async () => {
      const next = rng(bufferBytes);
      const sink = new MemorySink();
      const w = new VcdWriter(sink, { bufferBytes });
      const clk = w.addVariable({ scope: ["top"], name: "clk", width: 1 });
      const count = 150;
      const widths = Array.from({ length: count }, (_, i) => WIDTHS[i % WIDTHS.length]!);
      const vars = Int32Array.from(widths, (width, i) => w.addVariable({ scope: ["top", `b${i % 4}`], name: `s${i}`, width }));
      const wide = w.addVariable({ scope: ["top"], name: "wide", width: 96 });
      // The values live in a store at scattered slots, as the kernel's do.
      const store = new Uint32Array(4 * count + 8);
      const slots = Int32Array.from({ length: count }, (_, i) => 4 + ((i * 37) % (4 * count)));
      const expected: { times: number[]; values: bigint[] }[] = widths.map(() => ({ times: [], values: [] }));

      w.begin(0);
      w.changeBits(clk, 0);
      for (let i = 0; i < count; i++) w.changeBits(vars[i]!, 0);
      w.changeWords(wide, new Uint32Array(3), 0);
      const plan = w.scanPlan(store, slots, vars); // the store's values (0) are the dumped ones
      w.endInitial();
      for (let i = 0; i < count; i++) expected[i]!.times.push(0), expected[i]!.values.push(0n);
      for (let step = 1; step <= 400; step++) {
        const t = step * 1250;
        w.time(t);
        w.changeBits(clk, step & 1);
        const changes = step % 50 === 0 ? count : next() % 40; // now and then every variable at once
        for (let c = 0; c < changes; c++) {
          const i = step % 50 === 0 ? c : next() % count;
          store[slots[i]!] = edgeValue(next, widths[i]!);
        }
        w.changedBits(plan);
        if (step % 7 === 0) w.changeWords(wide, Uint32Array.of(step, 0, 1), 0);
        for (let i = 0; i < count; i++) {
          const e = expected[i]!;
          const v = BigInt(store[slots[i]!]!);
          if (v !== e.values[e.values.length - 1]) e.times.push(t), e.values.push(v);
        }
      }
      w.close();

      const file = await parseVcd(sink.bytes());
      let checked = 0;
      for (let i = 0; i < count; i++) {
        const s = file.byName.get(`top.b${i % 4}.s${i}`)!;
        expect(s.times, `s${i} times`).to.deep.equal(expected[i]!.times);
        expect(s.values, `s${i} values`).to.deep.equal(expected[i]!.values);
        checked += s.times.length;
      }
      expect(checked).to.be.greaterThan(5000);
      expect(file.byName.get("top.clk")!.times.length).to.equal(401);
      expect(file.byName.get("top.wide")!.values[1]).to.equal((1n << 64n) | 7n);
      // Bounded memory: no write is larger than the threshold plus a time line and one scan.
      const scanBytes = widths.reduce((n, width) => n + (width === 1 ? 1 : 1 + width) + 4, 0);
      for (const size of sink.writeSizes.slice(1)) expect(size).to.be.at.most(bufferBytes + 24 + scanBytes + 1 + 96 + 4);
    });
  }

  it("copies only the traced slots of a large store", async () => {
    const sink = new MemorySink();
    const w = new VcdWriter(sink);
    const vars = Int32Array.from([0, 1, 2, 3], (i) => w.addVariable({ scope: ["top"], name: `s${i}`, width: 16 }));
    const store = new Uint32Array(1 << 22);
    const slots = Int32Array.of(4_000_000, 6, 3_000_000, 5);
    w.begin(0);
    for (const v of vars) w.changeBits(v, 0);
    const plan = w.scanPlan(store, slots, vars);
    w.endInitial();
    expect(plan.copies.reduce((n, c) => n + c.length, 0)).to.equal(4); // runs 5..6, 3e6, 4e6
    for (let t = 1; t <= 3; t++) {
      w.time(t * 1250);
      slots.forEach((slot, k) => (store[slot] = t * 100 + k));
      w.changedBits(plan);
    }
    w.close();
    const file = await parseVcd(sink.bytes());
    for (let k = 0; k < 4; k++) expect(file.byName.get(`top.s${k}`)!.values).to.deep.equal([0n, 100n + BigInt(k), 200n + BigInt(k), 300n + BigInt(k)]);
  });

  it("rejects bad plans and wide variables by name", () => {
    const w = new VcdWriter(new MemorySink());
    const bit = w.addVariable({ scope: ["top"], name: "bit", width: 1 });
    const wide = w.addVariable({ scope: ["top"], name: "bus", width: 64 });
    const store = new Uint32Array(4);
    expect(() => w.scanPlan(store, Int32Array.of(1), Int32Array.of(bit))).to.throw(/outside begin/);
    w.begin(0);
    expect(() => w.scanPlan(store, Int32Array.of(1, 2), Int32Array.of(bit))).to.throw(/2 slots but 1 variables/);
    expect(() => w.scanPlan(store, Int32Array.of(1), Int32Array.of(wide))).to.throw(/'top\.bus' is 64 bits wide; use changeWords/);
    expect(() => w.scanPlan(store, Int32Array.of(1), Int32Array.of(7))).to.throw(/no variable with index 7/);
    expect(() => w.scanPlan(store, Int32Array.of(9), Int32Array.of(bit))).to.throw(/slot 9 outside the store/);
    const plan = w.scanPlan(store, Int32Array.of(1), Int32Array.of(bit));
    expect(() => w.scanPlan(store, Int32Array.of(1), Int32Array.of(bit))).to.throw(/one scan plan/);
    const other = new VcdWriter(new MemorySink());
    other.addVariable({ scope: ["top"], name: "bit", width: 1 });
    other.begin(0);
    expect(() => other.changedBits(plan)).to.throw(/not this writer's scan plan/);
  });
});
