/**
 * The VCD writer's bulk change scan as a tiny WebAssembly function (VcdWriter.changedBits,
 * and the scan thread of vcd-scan-thread.ts).
 *
 * Why WebAssembly: the scan runs once per simulated cycle over every traced narrow net, and a
 * changed 32-bit net costs a handful of 8-byte stores. Written in JavaScript, V8 re-checks
 * every DataView and typed array on every store (about 200 machine instructions per change,
 * measured with perf); here each store is one instruction. The module is built from bytes
 * below, so there is no toolchain or file to ship.
 *
 * scan(recLast, recBase, values, end, dst) -> length
 *   Walks the records from recLast down to recBase (24 bytes each, see RECORD_*). For each
 *   record whose value `values[slot]` differs from its `last`, it stores the new value and
 *   writes the change's VCD line right to left ending at `end`, each line ahead of the ones
 *   written before it, so the chunk lists the changes in record order. It returns where
 *   the chunk starts; the chunk, [start, end), is then copied to `dst` (memory.copy, a native memmove: a
 *   typed array's copyWithin copies byte by byte, in case the buffer is shared) and its
 *   length returned. Each line is built with 8-byte stores and no loop over digits: the
 *   suffix (" <id>\n" right-aligned in 8 bytes), then the value's 8-digit groups from the
 *   digit table at address 0 (as many as hold significant digits: one to four), then a step
 *   back over the leading zeros and the 'b'. Stores that land on leading zeros fall into
 *   space that the next (earlier) line overwrites, so up to 32 bytes below the chunk's start
 *   are scribbled on.
 */

/** Record layout, 24 bytes, 8-aligned. */
export const RECORD_BYTES = 24;
export const RECORD_SLOT = 0; // i32: index into the values array
export const RECORD_LAST = 4; // i32: last value written
export const RECORD_MASK = 8; // i32: mask of the variable's width
export const RECORD_FLAGS = 12; // i32: suffix length (bits 0-7), SCALAR_FLAG
export const RECORD_SUFFIX = 16; // i64: suffix bytes, right-aligned
export const SCALAR_FLAG = 0x100;
/** The digit table: 256 entries of 8 ASCII digits, at address 0 of the memory. */
export const DIGITS_BYTES = 256 * 8;
/** How far below a chunk's start the scan may write. */
export const SCAN_SLACK = 32;

const enum Op {
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  I32Load = 0x28,
  I64Load = 0x29,
  I32Store = 0x36,
  I64Store = 0x37,
  I32Store8 = 0x3a,
  I32Const = 0x41,
  I32Ne = 0x47,
  I32LtU = 0x49,
  I32Clz = 0x67,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32And = 0x71,
  I32Or = 0x72,
  I32Shl = 0x74,
  I32ShrU = 0x76,
  Prefix = 0xfc,
}
const MEMORY_COPY = 10; // after the 0xfc prefix
const VOID = 0x40;
const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

// Parameters and locals of scan.
const P = 0; // record cursor, from recLast down
const BASE = 1;
const VALUES = 2;
const E = 3; // where the chunk starts so far
const DST = 4;
const RAW = 5;
const V = 6;
const FLAGS = 7;
const END = 8;

const get = (i: number): number[] => [Op.LocalGet, i];
const set = (i: number): number[] => [Op.LocalSet, i];
const tee = (i: number): number[] => [Op.LocalTee, i];
const i32 = (n: number): number[] => [Op.I32Const, ...sleb(n)];
/** memarg: alignment hint (log2; 0 = unaligned, always valid) and offset. */
const mem = (op: Op, offset: number, align = 0): number[] => [op, align, ...uleb(offset)];

/** Stores digit group (v >>> shift) & 0xff at e - below. */
function digitGroup(below: number, shift: number): number[] {
  return [
    ...get(E), ...i32(below), Op.I32Sub,
    ...get(V), ...(shift > 0 ? [...i32(shift), Op.I32ShrU] : []), ...(shift < 24 ? [...i32(0xff), Op.I32And] : []),
    ...i32(3), Op.I32Shl, ...mem(Op.I64Load, 0, 3),
    ...mem(Op.I64Store, 0),
  ];
}

function scanBody(): number[] {
  return [
    ...get(E), ...set(END),
    Op.Block, VOID,
    Op.Loop, VOID,
    ...get(P), ...get(BASE), Op.I32LtU, Op.BrIf, 1,
    // raw = values[record.slot]
    ...get(VALUES), ...get(P), ...mem(Op.I32Load, RECORD_SLOT, 2), ...i32(2), Op.I32Shl, Op.I32Add, ...mem(Op.I32Load, 0, 2), ...tee(RAW),
    ...get(P), ...mem(Op.I32Load, RECORD_LAST, 2), Op.I32Ne,
    Op.If, VOID,
    ...get(P), ...get(RAW), ...mem(Op.I32Store, RECORD_LAST, 2),
    // suffix, right-aligned, ending at e
    ...get(E), ...i32(8), Op.I32Sub, ...get(P), ...mem(Op.I64Load, RECORD_SUFFIX, 3), ...mem(Op.I64Store, 0),
    ...get(P), ...mem(Op.I32Load, RECORD_FLAGS, 2), ...set(FLAGS),
    ...get(E), ...get(FLAGS), ...i32(0xff), Op.I32And, Op.I32Sub, ...set(E),
    ...get(FLAGS), ...i32(SCALAR_FLAG), Op.I32And,
    Op.If, VOID,
    ...get(E), ...i32(1), Op.I32Sub, ...tee(E), ...get(RAW), ...i32(1), Op.I32And, ...i32(0x30), Op.I32Add, ...mem(Op.I32Store8, 0),
    Op.Else,
    ...get(RAW), ...get(P), ...mem(Op.I32Load, RECORD_MASK, 2), Op.I32And, ...set(V),
    // only the groups that hold significant digits: counters and addresses are mostly short,
    // and the branches follow a value's size, which changes slowly
    ...digitGroup(8, 0),
    ...get(V), ...i32(8), Op.I32ShrU,
    Op.If, VOID,
    ...digitGroup(16, 8),
    ...get(V), ...i32(16), Op.I32ShrU,
    Op.If, VOID,
    ...digitGroup(24, 16),
    ...get(V), ...i32(24), Op.I32ShrU,
    Op.If, VOID,
    ...digitGroup(32, 24),
    Op.End,
    Op.End,
    Op.End,
    // e -= (32 - clz(v | 1)) + 1, then the 'b'
    ...get(E), ...i32(33), Op.I32Sub, ...get(V), ...i32(1), Op.I32Or, Op.I32Clz, Op.I32Add, ...tee(E),
    ...i32(0x62), ...mem(Op.I32Store8, 0),
    Op.End,
    Op.End,
    ...get(P), ...i32(RECORD_BYTES), Op.I32Sub, ...set(P),
    Op.Br, 0,
    Op.End,
    Op.End,
    // memory.copy(dst, e, end - e), then return the length
    ...get(DST), ...get(E), ...get(END), ...get(E), Op.I32Sub, Op.Prefix, MEMORY_COPY, 0, 0,
    ...get(END), ...get(E), Op.I32Sub,
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
  const scan = [...uleb(1), ...uleb(4), I32, ...scanBody()]; // one group of 4 i32 locals
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

export type ScanFunction = (recLast: number, recBase: number, values: number, end: number, dst: number) => number;

let compiled: WebAssembly.Module | undefined;

/** An instance of scan over `memory` (the module is compiled once per process). */
export function instantiateScan(memory: WebAssembly.Memory): ScanFunction {
  compiled ??= new WebAssembly.Module(scanModuleBytes());
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  return instance.exports["scan"] as ScanFunction;
}
