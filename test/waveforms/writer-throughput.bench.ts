// VcdWriter throughput, not a test (mocha runs *.test.ts only):
//   npx tsx test/waveforms/writer-throughput.bench.ts
// 1000 32-bit variables, 500 changes per time step, 20k time steps; prints the median of 5 runs
// for random 32-bit values and for 16-bit values, into a null sink and into a file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VcdWriter, type VcdSink } from "../../waveforms/vcd-writer.ts";

const VARS = 1000;
const PER_STEP = 500;
const STEPS = 20_000;

function once(out: string | VcdSink, valueBits: number): number {
  const w = new VcdWriter(out);
  for (let i = 0; i < VARS; i++) w.addVariable({ scope: ["top", `blk${i >> 6}`], name: `r${i}`, width: 32 });
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const mask = valueBits === 32 ? 0xffffffff : (1 << valueBits) - 1;
  const values = Uint32Array.from({ length: 1 << 16 }, () => rnd() & mask);
  const index = Uint16Array.from({ length: 1 << 16 }, () => rnd() % VARS);
  w.begin(0);
  for (let i = 0; i < VARS; i++) w.changeBits(i, 0);
  w.endInitial();
  const t0 = performance.now();
  let k = 0;
  for (let s = 1; s <= STEPS; s++) {
    w.time(s * 1250);
    for (let j = 0; j < PER_STEP; j++, k++) w.changeBits(index[k & 0xffff]!, values[k & 0xffff]!);
  }
  w.close();
  return (PER_STEP * STEPS) / ((performance.now() - t0) / 1000) / 1e6;
}

const dir = mkdtempSync(join(tmpdir(), "tsrtl-vcd-bench-"));
try {
  const nullSink: VcdSink = { write() {}, close() {} };
  for (const bits of [32, 16]) {
    for (const target of ["null sink", "file"]) {
      const runs = Array.from({ length: 5 }, () => once(target === "file" ? join(dir, "b.vcd") : nullSink, bits)).sort((a, b) => a - b);
      console.log(`${bits}-bit values, ${target}: median ${runs[2]!.toFixed(1)} M changes/s (min ${runs[0]!.toFixed(1)}, max ${runs[4]!.toFixed(1)})`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
