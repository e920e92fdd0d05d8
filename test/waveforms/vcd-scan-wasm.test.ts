// The WebAssembly scan (waveforms/vcd-scan-wasm.ts) against the writer's own per-change
// encoder: for every record count around the unrolled loop's remainders and every width, the
// bulk scan writes exactly the bytes that changeBits writes for the same changes, in plan order.
// And the writer never detaches an ArrayBuffer (that slows every typed array access in the
// process, the simulation's included).
import { expect } from "chai";
import { xorshift32 as rng } from "./xorshift.ts";
import { buildSync } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySink } from "../../waveforms/vcd-sink.ts";
import { VcdWriter } from "../../waveforms/vcd-writer.ts";


/** A value of `width` bits: 0, all ones, the top bit alone, small, or random. */
function valueOf(next: () => number, width: number): number {
  const mask = width === 32 ? 0xffffffff : 2 ** width - 1;
  const kind = next() % 6;
  const v = kind === 0 ? 0 : kind === 1 ? mask : kind === 2 ? 2 ** (width - 1) : kind === 3 ? next() % 4 : next();
  return v % 2 ** width;
}

/**
 * The same steps written twice: with the bulk scan, and with changeBits for each variable whose
 * value differs from the last one written (what the scan must do).
 */
function both(widths: number[], steps: number, seed: number): { scanned: string; direct: string } {
  const next = rng(seed);
  const count = widths.length;
  const store = new Uint32Array(3 * count + 5);
  const slots = Int32Array.from({ length: count }, (_, i) => 2 + ((i * 7) % (3 * count + 1))); // scattered, as the kernel's
  const sinks = [new MemorySink(), new MemorySink()];
  const writers = sinks.map((sink) => new VcdWriter(sink, { bufferBytes: 4096 }));
  const vars = writers.map((w) => Int32Array.from(widths, (width, i) => w.addVariable({ scope: ["top"], name: `s${i}`, width })));
  for (const w of writers) w.addVariable({ scope: ["top"], name: "clk", width: 1 }); // so that 0 records is a plan too
  for (const w of writers) w.begin(0);
  for (let i = 0; i < count; i++) writers.forEach((w, k) => w.changeBits(vars[k]![i]!, 0));
  const plan = writers[0]!.scanPlan(store, slots, vars[0]!);
  for (const w of writers) w.endInitial();
  const last = new Uint32Array(count);
  for (let step = 1; step <= steps; step++) {
    const changes = step % 10 === 0 ? count : next() % (count + 1); // now and then every variable
    for (let c = 0; c < changes; c++) {
      const i = step % 10 === 0 ? c : next() % count;
      store[slots[i]!] = valueOf(next, widths[i]!);
    }
    for (const w of writers) w.time(step * 10);
    writers[0]!.changedBits(plan);
    for (let i = 0; i < count; i++) {
      const v = store[slots[i]!]!;
      if (v !== last[i]) writers[1]!.changeBits(vars[1]![i]!, v);
      last[i] = v;
    }
  }
  for (const w of writers) w.close();
  return { scanned: sinks[0]!.text(), direct: sinks[1]!.text() };
}

describe("waveforms: the WebAssembly scan", () => {
  it("writes what changeBits writes, for 0 to 11 records (every remainder of the unrolled loop)", () => {
    for (let count = 0; count <= 11; count++) {
      const next = rng(100 + count);
      const widths = Array.from({ length: count }, () => 1 + (next() % 32));
      const { scanned, direct } = both(widths, 60, count + 1);
      expect(scanned, `${count} records`).to.equal(direct);
    }
  });

  it("writes what changeBits writes for every width from 1 to 32, scalars and vectors mixed", () => {
    const widths = Array.from({ length: 32 }, (_, i) => i + 1);
    const shuffled = [...widths, ...widths.reverse()];
    const { scanned, direct } = both(shuffled, 300, 7);
    expect(scanned).to.equal(direct);
    expect(scanned).to.include(`b${"1".repeat(32)} `); // all 32 digits
    expect(scanned.split("\n").length).to.be.greaterThan(5000);
  });

  it("a writer's scan plan detaches no ArrayBuffer (V8 would check every typed array access from then on)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsrtl-scan-wasm-"));
    try {
      const root = process.cwd();
      const script = join(dir, "plan.ts");
      writeFileSync(
        script,
        `import { VcdWriter } from "${root}/waveforms/vcd-writer.ts";
import { MemorySink } from "${root}/waveforms/vcd-sink.ts";
const w = new VcdWriter(new MemorySink(), { bufferBytes: 64 });
const vars = Int32Array.from({ length: 5000 }, (_, i) => w.addVariable({ scope: ["top"], name: "s" + i, width: 32 }));
w.begin(0);
for (const v of vars) w.changeBits(v, 0);
const store = new Uint32Array(5000);
const plan = w.scanPlan(store, Int32Array.from(vars), vars); // a plan far larger than the first memory
w.endInitial();
store[3] = 9;
w.time(1);
w.changedBits(plan);
w.close();
console.log("done");
`,
      );
      // bundled, so that the child runs no TypeScript loader (tsx detaches buffers in its own thread)
      const bundle = join(dir, "plan.mjs");
      buildSync({ entryPoints: [script], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "error" });
      const out = execFileSync(process.execPath, ["--trace-protector-invalidation", bundle], { cwd: root, encoding: "utf8", stdio: "pipe" });
      expect(out).to.include("done");
      expect(out).to.not.include("ArrayBufferDetaching");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
