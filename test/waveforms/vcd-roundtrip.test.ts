// Write a random VCD, read it back with the WASM reader, and compare every change with the
// values the test itself generated.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseVcd, readVcdFile, valueAt, type VcdFile } from "../../waveforms/vcd-reader.ts";
import { MemorySink } from "../../waveforms/vcd-sink.ts";
import { VcdWriter } from "../../waveforms/vcd-writer.ts";

/** xorshift32: small, seeded, deterministic. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

interface Expected {
  name: string;
  width: number;
  times: number[];
  values: bigint[];
}

/** Random value of `width` bits, biased towards edge cases: 0, all ones, one bit, small. */
function randomWords(next: () => number, width: number): Uint32Array {
  const n = Math.ceil(width / 32);
  const w = new Uint32Array(n);
  const kind = next() % 8;
  for (let i = 0; i < n; i++) {
    if (kind === 0) w[i] = 0;
    else if (kind === 1) w[i] = 0xffffffff;
    else if (kind === 2) w[i] = i === n - 1 ? 1 << (next() % 32) : 0;
    else if (kind === 3) w[i] = i === 0 ? next() % 16 : 0;
    else w[i] = next();
  }
  const rem = width % 32;
  if (rem !== 0) w[n - 1]! &= (2 ** rem - 1) >>> 0;
  return w;
}

function toBigint(words: Uint32Array): bigint {
  let v = 0n;
  for (let i = words.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(words[i]!);
  return v;
}

const WIDTHS = [1, 7, 8, 32, 33, 64, 128, 512, 1000];

/** Writes a random dump through `writer`; returns what each variable should read back as. */
function writeRandom(writer: VcdWriter, seed: number, steps: number, period: number, t0 = 0): Expected[] {
  const next = rng(seed);
  const expected: Expected[] = [];
  const add = (scope: string[], name: string, width: number): void => {
    const i = writer.addVariable({ scope, name, width, kind: next() % 2 ? "wire" : "reg" });
    expect(i).to.equal(expected.length);
    expected.push({ name: [...scope, name].join("."), width, times: [], values: [] });
  };
  add(["top"], "clk", 1);
  for (let i = 0; i < 40; i++) {
    const width = WIDTHS[i % WIDTHS.length]!;
    const scope = ["top", `blk${i % 3}`, ...(i % 2 ? [`sub${i % 5}`] : [])];
    add(scope, `v${i}_w${width}`, width);
  }
  add(["top", "blk0"], "mem[3]", 8); // bracketed names are legal identifiers

  const change = (i: number, t: number, words: Uint32Array): void => {
    const e = expected[i]!;
    if (e.width <= 32) writer.changeBits(i, words[0]!);
    else writer.changeWords(i, words, 0);
    e.times.push(t);
    e.values.push(toBigint(words));
  };

  writer.begin(t0);
  for (let i = 0; i < expected.length; i++) change(i, t0, randomWords(next, expected[i]!.width));
  writer.endInitial();
  const last = new Map<number, Uint32Array>();
  for (let s = 1; s <= steps; s++) {
    const t = t0 + s * period;
    writer.time(t);
    // Sometimes advance time without changes: no "#t" must appear for those.
    if (next() % 10 === 0) continue;
    change(0, t, Uint32Array.of(s & 1)); // clk
    const touched = new Set<number>();
    const count = next() % 12;
    for (let c = 0; c < count; c++) {
      const i = 1 + (next() % (expected.length - 1));
      if (touched.has(i)) continue; // one change per variable per time step
      touched.add(i);
      // Repeat the previous value now and then: the caller may write equal values.
      const words = next() % 5 === 0 && last.has(i) ? last.get(i)! : randomWords(next, expected[i]!.width);
      last.set(i, words);
      change(i, t, words);
    }
  }
  writer.close();
  return expected;
}

function compare(file: VcdFile, expected: Expected[]): number {
  let checked = 0;
  for (const e of expected) {
    const s = file.byName.get(e.name);
    expect(s, e.name).to.not.equal(undefined);
    expect(s!.width, e.name).to.equal(e.width);
    expect(s!.times, `${e.name} times`).to.deep.equal(e.times);
    expect(s!.values, `${e.name} values`).to.deep.equal(e.values);
    checked += e.times.length;
  }
  return checked;
}

describe("waveforms: VCD write/read round trip", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tsrtl-vcd-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const seed of [1, 2, 3]) {
    it(`reads back every change written (seed ${seed}, file)`, async () => {
      const path = join(dir, `rt${seed}.vcd`);
      // Small buffer: many flushes, and values split across flushes must still join up.
      const expected = writeRandom(new VcdWriter(path, { bufferBytes: 4096 }), seed, 3000, 1250);
      const file = await readVcdFile(path);
      expect(file.timescale).to.equal("1ps");
      expect(file.version).to.equal("tsrtl");
      const checked = compare(file, expected);
      expect(checked).to.be.greaterThan(10000);
      expect(file.endTime).to.equal(expected[0]!.times[expected[0]!.times.length - 1]);
    });
  }

  it("keeps times beyond 2^32 (the WASM parser alone would clamp them)", async () => {
    const sink = new MemorySink();
    const t0 = 2 ** 32 - 5 * 1250;
    const expected = writeRandom(new VcdWriter(sink), 7, 400, 1250, t0);
    const file = await parseVcd(sink.bytes());
    compare(file, expected);
    const clk = file.byName.get("top.clk")!;
    expect(clk.times[clk.times.length - 1]).to.be.greaterThan(2 ** 32);
  });

  it("valueAt returns the value in force at a time", async () => {
    const sink = new MemorySink();
    const expected = writeRandom(new VcdWriter(sink), 11, 200, 1250);
    const file = await parseVcd(sink.bytes());
    for (const e of expected.slice(0, 12)) {
      const s = file.byName.get(e.name)!;
      for (let k = 0; k < e.times.length; k++) {
        const t = e.times[k]!;
        // Last change at t wins; halfway to the next change the value still holds.
        const lastAtT = e.times.lastIndexOf(t);
        expect(valueAt(s, t)).to.equal(e.values[lastAtT]);
        expect(valueAt(s, t + 600)).to.equal(e.values[lastAtT]);
      }
    }
    expect(valueAt(file.byName.get("top.clk")!, -1)).to.equal(undefined);
  });
});
