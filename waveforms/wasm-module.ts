/**
 * WebAssembly binary encoding for the modules this project builds from bytes in its source
 * (no toolchain, no file to ship): LEB128 integers, the opcodes, section framing and names
 * (the spec's numbering; only what is used), and the module layout of the VCD encoders
 * (vcd-scan-wasm.ts, vcd-cycle-wasm.ts: functions over one imported memory `env.memory`). The
 * kernel's subset compiler (hw/rtl/wasm/compile-class.ts) and the NoC heap's copy function
 * (hw/noc/heap.ts) are built from the same pieces.
 */
/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of an int32. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const enum Op {
  Unreachable = 0x00,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  Return = 0x0f,
  Call = 0x10,
  Drop = 0x1a,
  Select = 0x1b,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  GlobalGet = 0x23,
  GlobalSet = 0x24,
  I32Load = 0x28,
  I64Load = 0x29,
  F64Load = 0x2b,
  I32Load8S = 0x2c,
  I32Load8U = 0x2d,
  I32Load16S = 0x2e,
  I32Load16U = 0x2f,
  I32Store = 0x36,
  I64Store = 0x37,
  I32Store8 = 0x3a,
  I32Store16 = 0x3b,
  I32Const = 0x41,
  I64Const = 0x42,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32LtU = 0x49,
  I32GtS = 0x4a,
  I32GtU = 0x4b,
  I32LeS = 0x4c,
  I32LeU = 0x4d,
  I32GeS = 0x4e,
  I32GeU = 0x4f,
  I32Clz = 0x67,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32DivS = 0x6d,
  I32DivU = 0x6e,
  I32RemS = 0x6f,
  I32RemU = 0x70,
  I32And = 0x71,
  I32Or = 0x72,
  I32Xor = 0x73,
  I32Shl = 0x74,
  I32ShrS = 0x75,
  I32ShrU = 0x76,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64DivU = 0x80,
  I32WrapI64 = 0xa7,
  I64TruncF64U = 0xb1,
  Prefix = 0xfc,
  Simd = 0xfd,
}
/** After the 0xfc prefix. */
const MEMORY_COPY = 10;
/** After the 0xfd prefix (all below 128, so one byte). */
export const enum Simd {
  V128Store = 11,
  V128Const = 12,
  I8x16Swizzle = 14,
  I32x4Splat = 17,
  I8x16Eq = 35,
  V128And = 78,
  I8x16Sub = 113,
}
/** Value and block types. */
export const VOID = 0x40;
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

export const get = (i: number): number[] => [Op.LocalGet, i];
export const set = (i: number): number[] => [Op.LocalSet, i];
export const tee = (i: number): number[] => [Op.LocalTee, i];
export const i32 = (n: number): number[] => [Op.I32Const, ...sleb(n)];
/** i64.const of an int32 (the signed LEB128 of an int32 is that of the same int64). */
export const i64 = (n: number): number[] => [Op.I64Const, ...sleb(n)];
export const simd = (op: Simd): number[] => [Op.Simd, op];
/** memarg: alignment hint (log2; 0 = unaligned, always valid) and offset. */
export const mem = (op: Op, offset: number, align = 0): number[] => [op, align, ...uleb(offset)];
export const v128 = (bytes: number[]): number[] => [...simd(Simd.V128Const), ...bytes];
export const call = (f: number): number[] => [Op.Call, ...uleb(f)];
/** memory.copy(dst, src, length), the three on the stack: a native memmove. */
export const memoryCopy = (): number[] => [Op.Prefix, MEMORY_COPY, 0, 0];
/** A SIMD memory access (after the 0xfd prefix): its opcode, alignment hint and offset. */
export const simdMem = (op: Simd, offset: number, align = 0): number[] => [Op.Simd, op, align, ...uleb(offset)];

/**
 * copy(dst, src, length): memory.copy as an exported function (a typed array's copy into,
 * out of or within shared memory goes through V8's relaxed atomics, word by word or slower).
 */
export function memoryCopyFunction(): WasmFunction {
  return { params: [I32, I32, I32], results: [], locals: [], body: [...get(0), ...get(1), ...get(2), ...memoryCopy()], name: "copy" };
}

/** The exports of an instance of `module` over `memory` (its only import, `env.memory`). */
export function instantiateOver(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Exports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports;
}

/** One function of a module: its signature, its locals after the parameters, its code. */
export interface WasmFunction {
  params: number[];
  results: number[];
  /** Runs of locals: [count, type]. */
  locals: [number, number][];
  /** The code, without the final End. */
  body: number[];
  /** Exported under this name, if any. */
  name?: string;
}

function section(id: number, payload: readonly number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

/** A name: its UTF-8 length, then its bytes. */
function wasmName(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: its length, then its items. */
function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const SECTION = { custom: 0, type: 1, import: 2, function: 3, global: 6, export: 7, code: 10 } as const;
const EXPORT_FUNC = 0x00;
const EXPORT_GLOBAL = 0x03;
const IMPORT_MEMORY = 0x02;

/**
 * The import section of a module over one memory, `env.memory`: any unshared memory, or with
 * `sharedPages` a shared one of at most that many pages (limits flags 0: a minimum only; 3: a
 * minimum and a maximum, shared).
 */
function memoryImport(sharedPages?: number): number[] {
  const limits = sharedPages === undefined ? [0x00, 0x00] : [0x03, 0x00, ...uleb(sharedPages)];
  return section(SECTION.import, vec([[...wasmName("env"), ...wasmName("memory"), IMPORT_MEMORY, ...limits]]));
}
const MAGIC_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] as const;

/**
 * A module importing env.memory (`memoryImport`), with `functions` in this order (a Call names a function by its
 * index in the list).
 */
export function moduleBytes(functions: readonly WasmFunction[], sharedPages?: number, extras: ModuleExtras = {}): Uint8Array<ArrayBuffer> {
  // one type per distinct signature
  const signatures = functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results]);
  const types = [...new Set(signatures.map((t) => t.join(",")))];
  const codes = functions.map((f) => {
    const code = [...uleb(f.locals.length), ...f.locals.flatMap(([count, type]) => [...uleb(count), type]), ...f.body, Op.End];
    return [...uleb(code.length), ...code];
  });
  const globals = extras.globals ?? [];
  const exported = [
    ...functions.flatMap((f, i) => (f.name === undefined ? [] : [[...wasmName(f.name), EXPORT_FUNC, ...uleb(i)]])),
    ...globals.map((g, k) => [...wasmName(g), EXPORT_GLOBAL, ...uleb(k)]),
  ];
  const names = extras.names;
  return new Uint8Array([
    ...MAGIC_VERSION,
    ...section(SECTION.type, vec(types.map((t) => t.split(",").map(Number)))),
    ...memoryImport(sharedPages),
    ...section(SECTION.function, vec(signatures.map((t) => uleb(types.indexOf(t.join(",")))))),
    ...(globals.length > 0 ? section(SECTION.global, vec(globals.map(() => [I32, 0x01, Op.I32Const, 0, Op.End]))) : []),
    ...section(SECTION.export, vec(exported)),
    ...section(SECTION.code, vec(codes)),
    // the "name" section (subsection 1: function names): profilers and stack traces show them
    ...(names === undefined ? [] : section(SECTION.custom, [...wasmName("name"), ...section(1, vec(names.map((n, i) => [...uleb(i), ...wasmName(n)])))])),
  ]);
}

/** What a module may have besides its functions (moduleBytes). */
export interface ModuleExtras {
  /** Mutable i32 globals, initially 0, exported under these names (global k is the k-th). */
  readonly globals?: readonly string[];
  /** A name per function, in a "name" section. */
  readonly names?: readonly string[];
}
