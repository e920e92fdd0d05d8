/**
 * VCD writer throughput (waveforms/): 1000 32-bit variables, 500 of them changing per time
 * step, 20,000 steps, written two ways: one `changeBits` call per change, and the tracer's
 * bulk scan (`scanPlan` + `changedBits`) over a value store. Values are random 32-bit or
 * 16-bit; output goes to a null sink (encoding alone) or to a file. One JSON line per case,
 * the median of `--runs` runs (default 5) in millions of changes per second.
 * Options: --steps N (default 20000), --runs N.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VcdWriter, type VcdSink } from "../waveforms/vcd-writer.ts";

const VARS = 1000;
const PER_STEP = 500;

type Path = "changeBits" | "changedBits";

/** Millions of changes per second for one run. */
function once(out: string | VcdSink, path: Path, valueBits: number, steps: number): number {
  const w = new VcdWriter(out);
  const vars = Int32Array.from({ length: VARS }, (_, i) => w.addVariable({ scope: ["top", `blk${i >> 6}`], name: `r${i}`, width: 32 }));
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const mask = valueBits === 32 ? 0xffffffff : (1 << valueBits) - 1;
  const values = Uint32Array.from({ length: 1 << 16 }, () => rnd() & mask);
  const store = new Uint32Array(VARS);
  w.begin(0);
  for (let i = 0; i < VARS; i++) w.changeBits(i, 0);
  const plan = w.scanPlan(store, Int32Array.from({ length: VARS }, (_, i) => i), vars);
  w.endInitial();
  const t0 = performance.now();
  let k = 0;
  for (let s = 1; s <= steps; s++) {
    w.time(s * 1250);
    // PER_STEP distinct variables per step, starting where the last step stopped
    for (let j = 0; j < PER_STEP; j++, k++) {
      const i = k % VARS;
      const v = values[k & 0xffff]!;
      if (path === "changeBits") w.changeBits(i, v);
      else store[i] = v;
    }
    if (path === "changedBits") w.changedBits(plan);
  }
  w.close();
  return (PER_STEP * steps) / ((performance.now() - t0) / 1000) / 1e6;
}

export async function main(args: string[]): Promise<void> {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const steps = value("--steps", 20_000);
  const runs = Math.max(1, value("--runs", 5));
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-vcd-bench-"));
  try {
    const nullSink: VcdSink = { write() {}, close() {} };
    for (const path of ["changeBits", "changedBits"] as const) {
      for (const bits of [32, 16]) {
        for (const target of ["null", "file"] as const) {
          const rates = Array.from({ length: runs }, () => once(target === "file" ? join(dir, "b.vcd") : nullSink, path, bits, steps)).sort((a, b) => a - b);
          console.log(JSON.stringify({
            name: `vcd-${path}-${bits}bit-${target}`,
            changes: PER_STEP * steps,
            runs,
            medianMChangesPerSecond: +rates[runs >> 1]!.toFixed(2),
            minMChangesPerSecond: +rates[0]!.toFixed(2),
            maxMChangesPerSecond: +rates[runs - 1]!.toFixed(2),
          }));
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
