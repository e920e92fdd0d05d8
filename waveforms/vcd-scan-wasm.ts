/**
 * The VCD writer's bulk change scan as tiny WebAssembly functions (VcdWriter.changedBits, and
 * the scan thread of vcd-scan-thread.ts through vcd-cycle-wasm.ts).
 *
 * Why WebAssembly: the scan runs once per simulated cycle over every traced narrow net, and a
 * changed 32-bit net costs a handful of stores. Written in JavaScript, V8 re-checks every
 * DataView and typed array on every store (about 200 machine instructions per change,
 * measured with perf); here each store is one instruction.
 *
 * scan(recFirst, recLast, values, start, list) -> end
 *   Writes a VCD line for each record whose value `values + offset` differs from its `last`,
 *   left to right from `start`, in record order (recFirst to recLast, RECORD_BYTES each, see
 *   RECORD_*), and returns where the chunk ends. Two passes, with no branch that depends on the
 *   values:
 *   1. changes: from recFirst up, each record's address is stored at the end of the list at
 *      `list` (SCAN_LIST_BYTES per record of room), and the end moves on only if its value
 *      changed; the value is stored as its `last`. UNROLL records per iteration (after the count
 *      mod UNROLL one by one): about 11 machine instructions a record (V8's code).
 *   2. lines: for each listed record, its line, with a fixed sequence of 38 machine instructions:
 *      the value shifted left by clz(v | 1), so that its significant digits come first; a 'b'
 *      (a vector's; a scalar's digit overwrites it); all 32 binary digits of the shifted value
 *      as two 16-byte SIMD stores (each byte picked from the value by a swizzle and tested
 *      against its bit); then the suffix (" <id>\n", left-aligned in 8 bytes) right after the
 *      32 - clz(v | 1) significant digits. The zeros after them and the suffix's padding fall
 *      into space that the next line overwrites, so up to SCAN_SLACK bytes after the chunk's
 *      end are scribbled on. A line's position depends on the one before only through an add
 *      (its length comes from clz, not from a table).
 *   Why: on K3 about half the nets change each cycle in no pattern a branch predictor learns.
 *   One pass with a branch per record (and one per 8-digit group, from a digit table) spent
 *   5.5 us a cycle on K3's scan, mostly in mispredicted branches; two passes 3.0-3.5 (perf).
 */
import {
  call, get, I32, i32, instantiateOver, mem, Op, set, Simd, simd, simdMem, tee, V128, v128, VOID,
  type WasmFunction, moduleBytes,
} from "./wasm-module.ts";

/** Record layout, 24 bytes, 8-aligned. */
export const RECORD_BYTES = 24;
export const RECORD_OFFSET = 0; // i32: byte offset of the value from `values`
export const RECORD_LAST = 4; // i32: last value written
export const RECORD_SUFFIX = 8; // i64: suffix bytes, left-aligned
export const RECORD_MASK = 16; // i32: mask of the variable's width
export const RECORD_SUFFIX_LENGTH = 20; // u8
export const RECORD_VECTOR = 21; // u8: 1 for a vector ("b<digits>" and a space), 0 for a scalar
/** How far past a chunk's end the scan may write. */
export const SCAN_SLACK = 32;
/** Bytes a time line takes at most: "#" + 16 digits (times are safe integers) + "\n", with room to spare. */
export const TIME_LINE_MAX = 24;
/** Bytes of list space the scan needs per record it walks. */
export const SCAN_LIST_BYTES = 4;

/** One traced variable of width <= 32, as the scan sees it. */
export interface ScanRecord {
  /** Byte offset of its value from the `values` argument of scan. */
  offset: number;
  /** The value already written. */
  last: number;
  /** Mask of its width; a width of 1 (mask 1) is written as a scalar. */
  mask: number;
  /** The bytes after the value: " <id>\n" for a vector, "<id>\n" for a scalar (2 to 8 bytes). */
  suffix: Uint8Array;
}

/** Writes record `r` into `records` (the bytes of RECORD_BYTES-sized records). */
export function writeRecord(records: Uint8Array, r: number, rec: ScanRecord): void {
  if (rec.suffix.length < 2 || rec.suffix.length > 8) throw new Error(`scan record: suffix of ${rec.suffix.length} bytes`);
  const at = r * RECORD_BYTES;
  const view = new DataView(records.buffer, records.byteOffset + at, RECORD_BYTES);
  view.setInt32(RECORD_OFFSET, rec.offset, true);
  view.setInt32(RECORD_LAST, rec.last, true);
  for (let k = 0; k < 8; k++) view.setUint8(RECORD_SUFFIX + k, 0); // padding: overwritten by the next line
  records.set(rec.suffix, at + RECORD_SUFFIX);
  view.setInt32(RECORD_MASK, rec.mask, true);
  view.setUint8(RECORD_SUFFIX_LENGTH, rec.suffix.length);
  view.setUint8(RECORD_VECTOR, rec.mask === 1 ? 0 : 1);
}

/** The longest line record `r` of `records` can write (its width's digits, the 'b', the suffix). */
export function lineBound(records: Uint8Array, r: number): number {
  const at = r * RECORD_BYTES;
  const view = new DataView(records.buffer, records.byteOffset + at, RECORD_BYTES);
  const vector = view.getUint8(RECORD_VECTOR);
  const width = 32 - Math.clz32(view.getInt32(RECORD_MASK, true));
  return vector * (1 + width) + (1 - vector) + view.getUint8(RECORD_SUFFIX_LENGTH);
}

/** Function indices in every module built on these functions (vcd-cycle-wasm.ts appends its own). */
export const enum ScanFunctionIndex {
  Changes = 0,
  Lines = 1,
  Scan = 2,
}
/** Records per iteration of the changes pass: fewer loop and stack checks per record. */
const UNROLL = 4;

/** changes(recFirst, recLast, values, list) -> the list's end: pass 1. */
function changesFunction(): WasmFunction {
  const P = 0, LAST = 1, VALUES = 2, LIST = 3; // P: record cursor, in the unrolled loop the group's first
  const STOP = 4, RAW = 5, LIST_END = 6;
  /** The record at P + at: appends its address to the list, keeps it there if its value changed, stores the value as the last one. */
  const listRecord = (at: number): number[] => [
    ...get(LIST_END), ...get(P), ...i32(at), Op.I32Add, ...mem(Op.I32Store, 0, 2),
    ...get(VALUES), ...get(P), ...mem(Op.I32Load, at + RECORD_OFFSET, 2), Op.I32Add, ...mem(Op.I32Load, 0, 2), ...set(RAW),
    ...get(LIST_END), ...get(RAW), ...get(P), ...mem(Op.I32Load, at + RECORD_LAST, 2), Op.I32Ne, ...i32(2), Op.I32Shl, Op.I32Add, ...set(LIST_END),
    ...get(P), ...get(RAW), ...mem(Op.I32Store, at + RECORD_LAST, 2),
  ];
  const group = Array.from({ length: UNROLL }, (_, k) => listRecord(k * RECORD_BYTES)).flat();
  return {
    params: [I32, I32, I32, I32],
    results: [I32],
    locals: [[3, I32]],
    body: [
      ...get(LIST), ...set(LIST_END),
      // the first (count mod UNROLL) records one by one: stop = p + (count % UNROLL) * RECORD_BYTES
      // (no records when recLast < recFirst: the count is then 0, the loops never run)
      ...get(P),
      ...get(LAST), ...get(P), Op.I32Sub, ...i32(RECORD_BYTES), Op.I32DivS, ...i32(1), Op.I32Add, ...i32(UNROLL), Op.I32RemS,
      ...i32(RECORD_BYTES), Op.I32Mul, Op.I32Add, ...set(STOP),
      Op.Block, VOID,
      Op.Loop, VOID,
      ...get(P), ...get(STOP), Op.I32GeU, Op.BrIf, 1,
      ...listRecord(0),
      ...get(P), ...i32(RECORD_BYTES), Op.I32Add, ...set(P),
      Op.Br, 0,
      Op.End,
      Op.End,
      // then UNROLL at a time, p at the first of them (the rest is a multiple of UNROLL)
      ...get(P), ...get(LAST), Op.I32LeS,
      Op.If, VOID,
      Op.Loop, VOID,
      ...group,
      ...get(P), ...i32(UNROLL * RECORD_BYTES), Op.I32Add, ...tee(P), ...get(LAST), Op.I32LeS, Op.BrIf, 0,
      Op.End,
      Op.End,
      ...get(LIST_END),
    ],
  };
}

/** lines(list, listEnd, start) -> end: pass 2, the listed records' lines from `start`. */
function linesFunction(): WasmFunction {
  const LIST = 0, LIST_END = 1, O = 2; // O: where the next line starts
  const R = 3, D = 4, V = 5, C = 6; // record, digits' start, value, clz(v | 1)
  const X = 7; // the shifted value in each 32-bit lane
  const ZEROS = 8; // '0' in every byte
  const BITS = 9; // 0x80 >> (j & 7) in byte j
  const LOW_BYTES = 10; // swizzle: byte 1 eight times, then byte 0 (digits of bits 15..0)
  const HIGH_BYTES = 11; // bytes 3, then 2 (bits 31..16)
  const eight = (a: number, b: number): number[] => [...Array<number>(8).fill(a), ...Array<number>(8).fill(b)];
  const bits = Array.from({ length: 16 }, (_, j) => 0x80 >> (j & 7));
  /** The 16 digits of the bytes that `swizzle` picks from X, as ASCII '0'/'1', stored at D + offset. */
  const digits16 = (swizzle: number, offset: number): number[] => [
    ...get(D),
    ...get(ZEROS),
    ...get(X), ...get(swizzle), ...simd(Simd.I8x16Swizzle), ...get(BITS), ...simd(Simd.V128And), ...get(BITS), ...simd(Simd.I8x16Eq),
    ...simd(Simd.I8x16Sub), // '0' - (-1 where the bit is set)
    ...simdMem(Simd.V128Store, offset),
  ];
  const line = [
    ...get(R), ...mem(Op.I32Load, RECORD_LAST, 2), ...get(R), ...mem(Op.I32Load, RECORD_MASK, 2), Op.I32And, ...tee(V),
    ...i32(1), Op.I32Or, Op.I32Clz, ...set(C),
    ...get(V), ...get(C), Op.I32Shl, ...simd(Simd.I32x4Splat), ...set(X),
    // a vector's 'b', then the digits after it (a scalar's digit goes on the 'b')
    ...get(O), ...i32(0x62), ...mem(Op.I32Store8, 0),
    ...get(O), ...get(R), ...mem(Op.I32Load8U, RECORD_VECTOR), Op.I32Add, ...set(D),
    ...digits16(HIGH_BYTES, 0),
    ...digits16(LOW_BYTES, 16),
    // the suffix after the 32 - c significant digits; the next line starts after it
    ...get(D), ...i32(32), Op.I32Add, ...get(C), Op.I32Sub, ...tee(D),
    ...get(R), ...mem(Op.I64Load, RECORD_SUFFIX, 3), ...mem(Op.I64Store, 0),
    ...get(D), ...get(R), ...mem(Op.I32Load8U, RECORD_SUFFIX_LENGTH), Op.I32Add, ...set(O),
  ];
  return {
    params: [I32, I32, I32],
    results: [I32],
    locals: [[4, I32], [5, V128]],
    body: [
      ...v128(Array<number>(16).fill(0x30)), ...set(ZEROS),
      ...v128(bits), ...set(BITS),
      ...v128(eight(1, 0)), ...set(LOW_BYTES),
      ...v128(eight(3, 2)), ...set(HIGH_BYTES),
      ...get(LIST), ...get(LIST_END), Op.I32LtS,
      Op.If, VOID,
      Op.Loop, VOID,
      ...get(LIST), ...mem(Op.I32Load, 0, 2), ...set(R),
      ...line,
      ...get(LIST), ...i32(4), Op.I32Add, ...tee(LIST), ...get(LIST_END), Op.I32LtS, Op.BrIf, 0,
      Op.End,
      Op.End,
      ...get(O),
    ],
  };
}

/** scan(recFirst, recLast, values, start, list) -> end: both passes. */
function scanFunction(): WasmFunction {
  return {
    params: [I32, I32, I32, I32, I32],
    results: [I32],
    locals: [],
    body: [
      ...get(4),
      ...get(0), ...get(1), ...get(2), ...get(4), ...call(ScanFunctionIndex.Changes),
      ...get(3), ...call(ScanFunctionIndex.Lines),
    ],
    name: "scan",
  };
}

/** The scan's functions, at the ScanFunctionIndex indices of a module. */
export function scanFunctions(): WasmFunction[] {
  return [changesFunction(), linesFunction(), scanFunction()];
}

/** scan(recFirst, recLast, values, start, list) -> where the chunk, starting at `start`, ends. */
export type ScanFunction = (recFirst: number, recLast: number, values: number, start: number, list: number) => number;

let compiled: WebAssembly.Module | undefined;

/** The scan over an unshared `memory` (the module is compiled once per process). */
export function instantiateScan(memory: WebAssembly.Memory): ScanFunction {
  compiled ??= new WebAssembly.Module(moduleBytes(scanFunctions()));
  return instantiateOver(compiled, memory)["scan"] as ScanFunction;
}
