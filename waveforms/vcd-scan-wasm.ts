/**
 * The VCD writer's bulk change scan as a tiny WebAssembly function (VcdWriter.changedBits,
 * and the scan thread of vcd-scan-thread.ts).
 *
 * Why WebAssembly: the scan runs once per simulated cycle over every traced narrow net, and a
 * changed 32-bit net costs a handful of stores. Written in JavaScript, V8 re-checks every
 * DataView and typed array on every store (about 200 machine instructions per change,
 * measured with perf); here each store is one instruction. The module is built from bytes
 * below, so there is no toolchain or file to ship.
 *
 * scan(recLast, recBase, values, end, list) -> start
 *   Writes a VCD line for each record whose value `values + offset` differs from its `last`,
 *   right to left ending at `end`, each line ahead of the ones written before it, so the chunk
 *   lists the changes in record order (recBase to recLast, RECORD_BYTES each, see RECORD_*).
 *   It returns where the chunk starts; the caller copies [start, end) where it goes with copy
 *   (memory.copy, a native memmove: a typed array's copyWithin copies byte by byte when the
 *   buffer is shared). Two passes, with no branch that depends on the values:
 *   1. From recLast down, each record's address is stored at the end of the list at `list`
 *      (SCAN_LIST_BYTES per record of room), and the end moves on only if its value changed;
 *      the value is stored as its `last`. UNROLL records per iteration (after the count mod
 *      UNROLL one by one): about 12 machine instructions a record.
 *   2. For each listed record, its line, with a fixed sequence of about 32 instructions: the
 *      suffix (" <id>\n" right-aligned in 8 bytes), then all 32 binary digits of the value as
 *      two 16-byte SIMD stores (each byte picked from the value by a swizzle and tested against
 *      its bit), then a 'b' in front of the 32 - clz(v | 1) significant digits. The leading
 *      zeros and, for a scalar, the 'b' fall into space that the next (earlier) line
 *      overwrites, so up to SCAN_SLACK bytes below the chunk's start are scribbled on.
 *   Why: on K3 about half the nets change each cycle in no pattern a branch predictor learns.
 *   One pass with a branch per record (and one per 8-digit group, from a digit table) spent
 *   5.5 us a cycle on K3's scan, mostly in mispredicted branches; this takes 3.0-3.5 (perf).
 */

import { sleb, uleb } from "./wasm-leb.ts";

/** Record layout, 24 bytes, 8-aligned. */
export const RECORD_BYTES = 24;
export const RECORD_OFFSET = 0; // i32: byte offset of the value from `values`
export const RECORD_LAST = 4; // i32: last value written
export const RECORD_SUFFIX = 8; // i64: suffix bytes, right-aligned
export const RECORD_MASK = 16; // i32: mask of the variable's width
export const RECORD_SUFFIX_LENGTH = 20; // u8
export const RECORD_VECTOR = 21; // u8: 1 for a vector ("b<digits>" and a space), 0 for a scalar
/** How far below a chunk's start the scan may write. */
export const SCAN_SLACK = 32;
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
  for (let k = 0; k < 8; k++) view.setUint8(RECORD_SUFFIX + k, 0); // padding: overwritten by the digits
  records.set(rec.suffix, at + RECORD_SUFFIX + 8 - rec.suffix.length);
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

const enum Op {
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  I32Load = 0x28,
  I64Load = 0x29,
  I32Load8U = 0x2d,
  I32Store = 0x36,
  I64Store = 0x37,
  I32Store8 = 0x3a,
  I32Const = 0x41,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32LeS = 0x4c,
  I32GeS = 0x4e,
  I32Clz = 0x67,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32DivS = 0x6d,
  I32RemS = 0x6f,
  I32And = 0x71,
  I32Or = 0x72,
  I32Shl = 0x74,
  Prefix = 0xfc,
  Simd = 0xfd,
}
/** After the 0xfc prefix. */
const MEMORY_COPY = 10;
/** After the 0xfd prefix (all below 128, so one byte). */
const enum Simd {
  V128Store = 11,
  V128Const = 12,
  I8x16Swizzle = 14,
  I32x4Splat = 17,
  I8x16Eq = 35,
  V128And = 78,
  I8x16Sub = 113,
}
const VOID = 0x40;
const I32 = 0x7f;
const V128 = 0x7b;

// Parameters and locals of scan.
const P = 0; // record cursor, from recLast down (in the unrolled loop, the group's lowest record)
const BASE = 1;
const VALUES = 2;
const END = 3;
const LIST = 4; // the changed records' addresses; in pass 2, the cursor
const STOP = 5; // where the single-record loop hands over to the unrolled one
const RAW = 6;
const Q = 7; // 64 below the end of the next line (so every store has a non-negative offset)
const SQ = 8; // 64 below the end of the line's digits
const DQ = 9; // 64 below the start of the line's significant digits
const V = 10;
const LIST_END = 11;
const I32_LOCALS = 7;
const X = 12; // the value in each 32-bit lane
const ZEROS = 13; // '0' in every byte
const BITS = 14; // 0x80 >> (j & 7) in byte j
const LOW_BYTES = 15; // swizzle: byte 1 eight times, then byte 0 (digits of bits 15..0)
const HIGH_BYTES = 16; // bytes 3, then 2 (bits 31..16)
const V128_LOCALS = 5;
/** Records per iteration of pass 1: fewer loop and stack checks per record. */
const UNROLL = 4;

const get = (i: number): number[] => [Op.LocalGet, i];
const set = (i: number): number[] => [Op.LocalSet, i];
const tee = (i: number): number[] => [Op.LocalTee, i];
const i32 = (n: number): number[] => [Op.I32Const, ...sleb(n)];
const simd = (op: Simd): number[] => [Op.Simd, op];
/** memarg: alignment hint (log2; 0 = unaligned, always valid) and offset. */
const mem = (op: Op, offset: number, align = 0): number[] => [op, align, ...uleb(offset)];
const v128 = (bytes: number[]): number[] => [...simd(Simd.V128Const), ...bytes];

/** The 16 digits of the bytes that `swizzle` picks from X, as ASCII '0'/'1', stored at SQ + offset. */
function digits16(swizzle: number, offset: number): number[] {
  return [
    ...get(SQ),
    ...get(ZEROS),
    ...get(X), ...get(swizzle), ...simd(Simd.I8x16Swizzle), ...get(BITS), ...simd(Simd.V128And), ...get(BITS), ...simd(Simd.I8x16Eq),
    ...simd(Simd.I8x16Sub), // '0' - (-1 where the bit is set)
    Op.Simd, Simd.V128Store, 0, ...uleb(offset),
  ];
}

/** Pass 1, the record at P + at: appends its address to the list, keeps it there if its value changed, stores the value as the last one. */
function listRecord(at: number): number[] {
  return [
    ...get(LIST_END), ...get(P), ...i32(at), Op.I32Add, ...mem(Op.I32Store, 0, 2),
    ...get(VALUES), ...get(P), ...mem(Op.I32Load, at + RECORD_OFFSET, 2), Op.I32Add, ...mem(Op.I32Load, 0, 2), ...set(RAW),
    ...get(LIST_END), ...get(RAW), ...get(P), ...mem(Op.I32Load, at + RECORD_LAST, 2), Op.I32Ne, ...i32(2), Op.I32Shl, Op.I32Add, ...set(LIST_END),
    ...get(P), ...get(RAW), ...mem(Op.I32Store, at + RECORD_LAST, 2),
  ];
}

/** Pass 2, the record at P: its line, ending at Q + 64. */
function line(): number[] {
  return [
    // the suffix, right-aligned, ending at q + 64
    ...get(Q), ...get(P), ...mem(Op.I64Load, RECORD_SUFFIX, 3), ...mem(Op.I64Store, 56),
    ...get(Q), ...get(P), ...mem(Op.I32Load8U, RECORD_SUFFIX_LENGTH), Op.I32Sub, ...set(SQ),
    ...get(P), ...mem(Op.I32Load, RECORD_LAST, 2), ...get(P), ...mem(Op.I32Load, RECORD_MASK, 2), Op.I32And, ...tee(V),
    ...simd(Simd.I32x4Splat), ...set(X),
    ...digits16(LOW_BYTES, 48),
    ...digits16(HIGH_BYTES, 32),
    // the 'b' in front of the 32 - clz(v | 1) significant digits
    ...get(SQ), ...get(V), ...i32(1), Op.I32Or, Op.I32Clz, Op.I32Add, ...i32(32), Op.I32Sub, ...tee(DQ),
    ...i32(0x62), ...mem(Op.I32Store8, 63),
    ...get(DQ), ...get(P), ...mem(Op.I32Load8U, RECORD_VECTOR), Op.I32Sub, ...set(Q),
  ];
}

function scanBody(): number[] {
  const eight = (a: number, b: number): number[] => [...Array<number>(8).fill(a), ...Array<number>(8).fill(b)];
  const bits = Array.from({ length: 16 }, (_, j) => 0x80 >> (j & 7));
  const group = Array.from({ length: UNROLL }, (_, k) => listRecord((UNROLL - 1 - k) * RECORD_BYTES)).flat();
  return [
    ...v128(Array<number>(16).fill(0x30)), ...set(ZEROS),
    ...v128(bits), ...set(BITS),
    ...v128(eight(1, 0)), ...set(LOW_BYTES),
    ...v128(eight(3, 2)), ...set(HIGH_BYTES),
    ...get(LIST), ...set(LIST_END),
    // pass 1: the first (count mod UNROLL) records one by one: stop = p - (count % UNROLL) * RECORD_BYTES
    // (no records when recLast < recBase: the remainder is then 0 or less, the loops never run)
    ...get(P),
    ...get(P), ...get(BASE), Op.I32Sub, ...i32(RECORD_BYTES), Op.I32DivS, ...i32(1), Op.I32Add, ...i32(UNROLL), Op.I32RemS,
    ...i32(RECORD_BYTES), Op.I32Mul, Op.I32Sub, ...set(STOP),
    Op.Block, VOID,
    Op.Loop, VOID,
    ...get(P), ...get(STOP), Op.I32LeS, Op.BrIf, 1,
    ...listRecord(0),
    ...get(P), ...i32(RECORD_BYTES), Op.I32Sub, ...set(P),
    Op.Br, 0,
    Op.End,
    Op.End,
    // then UNROLL at a time, p at the lowest of them
    ...get(P), ...i32((UNROLL - 1) * RECORD_BYTES), Op.I32Sub, ...tee(P), ...get(BASE), Op.I32GeS,
    Op.If, VOID,
    Op.Loop, VOID,
    ...group,
    ...get(P), ...i32(UNROLL * RECORD_BYTES), Op.I32Sub, ...tee(P), ...get(BASE), Op.I32GeS, Op.BrIf, 0,
    Op.End,
    Op.End,
    // pass 2: the listed records' lines, right to left
    ...get(END), ...i32(64), Op.I32Sub, ...set(Q),
    ...get(LIST), ...get(LIST_END), Op.I32LtS,
    Op.If, VOID,
    Op.Loop, VOID,
    ...get(LIST), ...mem(Op.I32Load, 0, 2), ...set(P),
    ...line(),
    ...get(LIST), ...i32(4), Op.I32Add, ...tee(LIST), ...get(LIST_END), Op.I32LtS, Op.BrIf, 0,
    Op.End,
    Op.End,
    ...get(Q), ...i32(64), Op.I32Add,
    Op.End,
  ];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** copy(dst, src, length): memory.copy, a native memmove (a typed array's copyWithin on shared memory is not). */
function copyBody(): number[] {
  return [...get(0), ...get(1), ...get(2), Op.Prefix, MEMORY_COPY, 0, 0, Op.End];
}

/**
 * The module's bytes: imports env.memory, exports scan and copy. With `sharedPages`, the
 * memory it imports is a shared one of that many pages at most (a scan thread's,
 * vcd-scan-thread.ts).
 */
export function scanModuleBytes(sharedPages?: number): Uint8Array<ArrayBuffer> {
  const scan = [...uleb(2), ...uleb(I32_LOCALS), I32, ...uleb(V128_LOCALS), V128, ...scanBody()];
  const copy = [0, ...copyBody()]; // no locals
  // memory limits: flags 0 = minimum only; 3 = minimum and maximum, shared
  const limits = sharedPages === undefined ? [0x00, 0x01] : [0x03, 0x01, ...uleb(sharedPages)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types: 0 = scan (5 x i32) -> i32, 1 = copy (3 x i32) -> ()
    ...section(1, [2, 0x60, 5, I32, I32, I32, I32, I32, 1, I32, 0x60, 3, I32, I32, I32, 0]),
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, ...limits]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name("scan"), 0x00, 0, ...name("copy"), 0x00, 1]),
    ...section(10, [2, ...uleb(scan.length), ...scan, ...uleb(copy.length), ...copy]),
  ]);
}

/** scan(recLast, recBase, values, end) -> where the chunk, ending at `end`, starts. */
export type ScanFunction = (recLast: number, recBase: number, values: number, end: number, list: number) => number;
/** copy(dst, src, length): memmove within the memory. */
export type CopyFunction = (dst: number, src: number, length: number) => void;

export interface ScanExports {
  scan: ScanFunction;
  copy: CopyFunction;
}

/** The module's functions over `memory`, a shared one if `module` was built with sharedPages. */
export function scanExports(memory: WebAssembly.Memory, module: WebAssembly.Module): ScanExports {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return { scan: exports["scan"] as ScanFunction, copy: exports["copy"] as CopyFunction };
}

let compiled: WebAssembly.Module | undefined;

/** The functions over an unshared `memory` (the module is compiled once per process). */
export function instantiateScan(memory: WebAssembly.Memory): ScanExports {
  compiled ??= new WebAssembly.Module(scanModuleBytes());
  return scanExports(memory, compiled);
}
