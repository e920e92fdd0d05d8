// The scan thread's per-cycle WebAssembly function (waveforms/vcd-cycle-wasm.ts): its time
// lines at the edges of its two 8-digit halves and up to the largest safe integer, its clock
// lines, and the simulation thread's chunk copied ahead of the scan's changes. (The scan
// itself is tested against changeBits in vcd-scan-wasm.test.ts, and the whole thread against
// the simulation thread's file in vcd-scan-thread.test.ts.)
import { expect } from "chai";
import { CONFIG_BYTES, cycleModuleBytes, writeCycleConfig, type CycleFunction } from "../../waveforms/vcd-cycle-wasm.ts";
import { RECORD_BYTES, writeRecord } from "../../waveforms/vcd-scan-wasm.ts";
import { instantiateOver } from "../../waveforms/wasm-module.ts";

const PAGES = 2;
const RECORDS = 128;
const VALUES = 512;
const CHUNKS = 1024;
const CHUNK_LENGTHS = 2048;
const CYCLES = 2112;
const LIST = 2560;
const OUT = 4096;

/** A shared memory with the config at 0, `records` vector records of 32 bits reading VALUES + 4r, and the cycle function. */
function setUp(records: number, periodPs: number): { memory: WebAssembly.Memory; cycle: CycleFunction } {
  const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
  const bytes = new Uint8Array(memory.buffer);
  for (let r = 0; r < records; r++) {
    writeRecord(bytes.subarray(RECORDS), r, { offset: 4 * r, last: 0, mask: -1, suffix: new TextEncoder().encode(` v${r}\n`) });
  }
  expect(RECORDS + records * RECORD_BYTES).to.be.at.most(VALUES);
  writeCycleConfig(memory.buffer, 0, {
    recordFirst: RECORDS,
    recordLast: RECORDS + (records - 1) * RECORD_BYTES,
    values: VALUES,
    stride: 0,
    chunks: CHUNKS,
    chunkStride: 0,
    chunkLengths: CHUNK_LENGTHS,
    cycles: CYCLES,
    list: LIST,
    periodPs,
    rise: new TextEncoder().encode("1!\n"),
    fall: new TextEncoder().encode("0!\n"),
  });
  const module = new WebAssembly.Module(cycleModuleBytes(PAGES));
  const cycle = instantiateOver(module, memory)["cycle"] as CycleFunction;
  return { memory, cycle };
}

/** Runs cycle for snapshot 0 at `cycleNumber` and returns its text. */
function run(memory: WebAssembly.Memory, cycle: CycleFunction, cycleNumber: number): string {
  new Float64Array(memory.buffer, CYCLES, 1)[0] = cycleNumber;
  const end = cycle(0, 0, OUT);
  return new TextDecoder().decode(new Uint8Array(memory.buffer).slice(OUT, end));
}

describe("waveforms: the scan thread's cycle function", () => {
  it("fits its config block below the records", () => {
    expect(CONFIG_BYTES).to.be.at.most(RECORDS);
  });

  it("writes time lines of 1 to 16 digits, around 10^8 and up to 2^53 - 1", () => {
    const { memory, cycle } = setUp(0, 2);
    const cycles = [0, 4, 5, 49, 50, 49_999_999, 50_000_000, 50_000_003, 50_000_050, 500_000_000, 2 ** 52 - 1];
    for (let d = 1; d <= 15; d++) cycles.push(5 * 10 ** (d - 1), 10 ** d / 2 - 1);
    for (const c of cycles) {
      expect(run(memory, cycle, c), `cycle ${c}`).to.equal(`#${2 * c}\n1!\n#${2 * c + 1}\n0!\n`);
    }
  });

  it("writes the simulation thread's chunk, then the changes of its own records, between the clock's lines", () => {
    const { memory, cycle } = setUp(3, 1250);
    const chunk = new TextEncoder().encode("b101 x\n1y\n");
    new Uint8Array(memory.buffer).set(chunk, CHUNKS);
    new Int32Array(memory.buffer, CHUNK_LENGTHS, 1)[0] = chunk.length;
    new Uint32Array(memory.buffer, VALUES, 3).set([5, 0, 0xffffffff]);
    expect(run(memory, cycle, 8)).to.equal(`#10000\n1!\nb101 x\n1y\nb101 v0\nb${"1".repeat(32)} v2\n#10625\n0!\n`);
    expect(run(memory, cycle, 9)).to.equal("#11250\n1!\nb101 x\n1y\n#11875\n0!\n"); // nothing changed since
  });

  it("refuses a period that has no whole half", () => {
    expect(() => setUp(0, 1251)).to.throw(/even/);
  });
});
