/**
 * The scan thread's whole per-cycle output as one WebAssembly call (vcd-scan-thread.ts): the
 * module of vcd-scan-wasm.ts's functions plus
 *
 * cycle(config, k, dst) -> end
 *   Writes snapshot k's lines from `dst` on, in file order:
 *     #<t>  <clock rise>  <the simulation thread's chunk>  <the scan's changes>  #<t + half>  <clock fall>
 *   where t = cycles[k] * period, the simulation thread's chunk (its share of the records,
 *   vcd-scan-thread.ts) is copied from the snapshot's chunk slot, and the other records are
 *   scanned straight into place (vcd-scan-wasm.ts). Up to SCAN_SLACK bytes past `end` are
 *   scribbled on. `config` is the address of a CONFIG_BYTES block (CONFIG_*, writeCycleConfig).
 *
 * Why: in JavaScript, the time lines (a digit loop over typed arrays) and the calls around the
 * scan cost the worker ~0.3 us a cycle on K3, and the scan's chunk was built in a scratch area
 * and copied into the output buffer (~0.8 us a cycle: 10 KB into lines not in cache).
 */
import { ScanFunctionIndex, scanFunctions } from "./vcd-scan-wasm.ts";
import { call, get, I32, i32, I64, i64, mem, memoryCopy, memoryCopyFunction, moduleBytes, Op, set, tee, VOID, type WasmFunction } from "./wasm-module.ts";

/** The config block: i32 fields, then i64 ones. */
export const CONFIG_RECORD_FIRST = 0; // the records the worker scans: first and last address
export const CONFIG_RECORD_LAST = 4;
export const CONFIG_VALUES = 8; // snapshot 0's values, and the bytes from one snapshot to the next
export const CONFIG_STRIDE = 12;
export const CONFIG_CHUNKS = 16; // snapshot 0's chunk slot, the bytes from one slot to the next, and the chunks' lengths (i32 each)
export const CONFIG_CHUNK_STRIDE = 20;
export const CONFIG_CHUNK_LENGTHS = 24;
export const CONFIG_CYCLES = 28; // each snapshot's cycle number (f64)
export const CONFIG_LIST = 32; // the worker's scan list
export const CONFIG_CLOCK_LENGTH = 36; // bytes of a clock line
export const CONFIG_PERIOD = 40; // i64: ps per cycle
export const CONFIG_HALF = 48; // i64: ps from the rise to the fall
export const CONFIG_RISE = 56; // i64: the clock's lines ("1<id>\n", "0<id>\n"), zero-padded
export const CONFIG_FALL = 64;
export const CONFIG_BYTES = 72;

/** Where the snapshots are in the shared memory (byte addresses): what the cycle function reads. */
export interface SnapshotAddresses {
  values: number;
  /** Bytes per snapshot (8-aligned). */
  stride: number;
  /**
   * Per snapshot: the simulation thread's chunk (chunkStride bytes each, the chunk at the
   * start, the scan's slack after it) and its length (i32).
   */
  chunks: number;
  chunkStride: number;
  chunkLengths: number;
  /** Float64 cycle number of each snapshot. */
  cycles: number;
  /** The worker scan's list of changed records. */
  list: number;
}

export interface CycleConfig extends SnapshotAddresses {
  /** The records the worker scans: first and last address. */
  recordFirst: number;
  recordLast: number;
  periodPs: number;
  /** The clock's lines, at most 8 bytes each, the same length. */
  rise: Uint8Array;
  fall: Uint8Array;
}

/** Writes `c` as the config block at `at` of `buffer`. */
export function writeCycleConfig(buffer: ArrayBufferLike, at: number, c: CycleConfig): void {
  if (c.rise.length > 8 || c.rise.length !== c.fall.length) throw new Error(`cycle config: clock lines of ${c.rise.length} and ${c.fall.length} bytes`);
  if (!Number.isSafeInteger(c.periodPs / 2) || c.periodPs < 0) throw new Error(`cycle config: period ${c.periodPs} ps is not an even safe integer`);
  const view = new DataView(buffer, at, CONFIG_BYTES);
  const ints: [number, number][] = [
    [CONFIG_RECORD_FIRST, c.recordFirst], [CONFIG_RECORD_LAST, c.recordLast], [CONFIG_VALUES, c.values], [CONFIG_STRIDE, c.stride],
    [CONFIG_CHUNKS, c.chunks], [CONFIG_CHUNK_STRIDE, c.chunkStride], [CONFIG_CHUNK_LENGTHS, c.chunkLengths], [CONFIG_CYCLES, c.cycles],
    [CONFIG_LIST, c.list], [CONFIG_CLOCK_LENGTH, c.rise.length],
  ];
  for (const [offset, value] of ints) view.setInt32(offset, value, true);
  view.setBigInt64(CONFIG_PERIOD, BigInt(c.periodPs), true);
  view.setBigInt64(CONFIG_HALF, BigInt(c.periodPs / 2), true);
  const bytes = new Uint8Array(buffer, at, CONFIG_BYTES);
  bytes.fill(0, CONFIG_RISE, CONFIG_FALL + 8);
  bytes.set(c.rise, CONFIG_RISE);
  bytes.set(c.fall, CONFIG_FALL);
}

/** Index of the time-line function: the module's functions after the scan's are copy, the time line, cycle. */
const TIME_LINE = ScanFunctionIndex.Scan + 2;

/** The decimal digits of local `x` (unsigned, below 10^9): 1 + the powers of ten from 10 to 10^8 at or below it. */
function decimalDigits(x: number): number[] {
  const code = i32(1);
  for (let p = 10; p <= 1e8; p *= 10) code.push(...get(x), ...i32(p), Op.I32GeU, Op.I32Add);
  return code;
}

/**
 * timeLine(t, at) -> end: "#<t>\n" from `at` (t < 10^16, which holds every safe integer of
 * ps). The digits come from two halves below 10^8, so the divisions by ten are 32-bit ones
 * (a multiply, for a constant divisor).
 */
function timeLineFunction(): WasmFunction {
  const T = 0, AT = 1;
  const HI = 2, LO = 3, P = 4, Q = 5, N = 6;
  /** While p > at and (for the low half) p > q: the digit of `x` at p, x / 10, p - 1. */
  const digitLoop = (x: number, untilQ: boolean): number[] => [
    Op.Loop, VOID,
    ...get(P), ...get(AT), Op.I32Eq, Op.BrIf, 1, // done
    ...get(P), ...get(x), ...i32(10), Op.I32RemU, ...i32(48), Op.I32Add, ...mem(Op.I32Store8, 0),
    ...get(x), ...i32(10), Op.I32DivU, ...set(x),
    ...get(P), ...i32(1), Op.I32Sub,
    ...(untilQ ? [...tee(P), ...get(Q), Op.I32Ne, Op.BrIf, 0] : [...set(P), Op.Br, 0]),
    Op.End,
  ];
  return {
    params: [I64, I32],
    results: [I32],
    locals: [[5, I32]],
    body: [
      ...get(T), ...i64(100000000), Op.I64DivU, Op.I32WrapI64, ...tee(HI),
      ...i32(100000000), Op.I32Mul, ...set(LO), // hi * 10^8, then lo = t - that (mod 2^32, exact as lo < 10^8)
      ...get(T), Op.I32WrapI64, ...get(LO), Op.I32Sub, ...set(LO),
      ...decimalDigits(HI), ...i32(8), Op.I32Add, ...decimalDigits(LO), ...get(HI), Op.Select, ...set(N),
      ...get(AT), ...i32(0x23), ...mem(Op.I32Store8, 0), // '#'
      ...get(AT), ...get(N), Op.I32Add, ...tee(P), ...i32(0x0a), ...mem(Op.I32Store8, 1), // '\n'
      ...get(P), ...i32(8), Op.I32Sub, ...set(Q),
      // the digits right to left: the low half's 8 (zero-padded when there is a high half), then the high half's
      Op.Block, VOID,
      ...digitLoop(LO, true),
      ...digitLoop(HI, false),
      Op.End,
      ...get(AT), ...get(N), Op.I32Add, ...i32(2), Op.I32Add,
    ],
  };
}

/** cycle(config, k, dst) -> end (see the top of the file). */
function cycleFunction(): WasmFunction {
  const CONFIG = 0, K = 1, O = 2;
  const T = 3; // i64
  const LEN = 4;
  const field = (offset: number, align = 2): number[] => [...get(CONFIG), ...mem(align === 3 ? Op.I64Load : Op.I32Load, offset, align)];
  /** The clock line at `line` (CONFIG_RISE or CONFIG_FALL) at O; O moves past it. */
  const clock = (line: number): number[] => [
    ...get(O), ...field(line, 3), ...mem(Op.I64Store, 0),
    ...get(O), ...field(CONFIG_CLOCK_LENGTH), Op.I32Add, ...set(O),
  ];
  return {
    params: [I32, I32, I32],
    results: [I32],
    locals: [[1, I64], [1, I32]],
    body: [
      ...field(CONFIG_CYCLES), ...get(K), ...i32(8), Op.I32Mul, Op.I32Add, ...mem(Op.F64Load, 0, 3), Op.I64TruncF64U,
      ...field(CONFIG_PERIOD, 3), Op.I64Mul, ...tee(T),
      ...get(O), ...call(TIME_LINE), ...set(O),
      ...clock(CONFIG_RISE),
      // the simulation thread's chunk
      ...field(CONFIG_CHUNK_LENGTHS), ...get(K), ...i32(4), Op.I32Mul, Op.I32Add, ...mem(Op.I32Load, 0, 2), ...set(LEN),
      ...get(O), ...field(CONFIG_CHUNKS), ...get(K), ...field(CONFIG_CHUNK_STRIDE), Op.I32Mul, Op.I32Add, ...get(LEN), ...memoryCopy(),
      ...get(O), ...get(LEN), Op.I32Add, ...set(O),
      // the worker's records
      ...field(CONFIG_RECORD_FIRST), ...field(CONFIG_RECORD_LAST),
      ...field(CONFIG_VALUES), ...get(K), ...field(CONFIG_STRIDE), Op.I32Mul, Op.I32Add,
      ...get(O), ...field(CONFIG_LIST), ...call(ScanFunctionIndex.Scan), ...set(O),
      ...get(T), ...field(CONFIG_HALF, 3), Op.I64Add, ...get(O), ...call(TIME_LINE), ...set(O),
      ...clock(CONFIG_FALL),
      ...get(O),
    ],
    name: "cycle",
  };
}

/** The module's bytes, over a shared memory of `pages` pages: exports scan, copy and cycle. */
export function cycleModuleBytes(pages: number): Uint8Array<ArrayBuffer> {
  return moduleBytes([...scanFunctions(), memoryCopyFunction(), timeLineFunction(), cycleFunction()], pages);
}

/** cycle(config, k, dst) -> end. */
export type CycleFunction = (config: number, k: number, dst: number) => number;
