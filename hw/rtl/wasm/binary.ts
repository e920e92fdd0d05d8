/**
 * WebAssembly binary encoding: the opcodes and section framing the subset compiler
 * (compile-class.ts) emits. Only what it uses; the spec's numbering.
 */

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
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  GlobalGet = 0x23,
  GlobalSet = 0x24,
  I32Load = 0x28,
  I32Load8S = 0x2c,
  I32Load8U = 0x2d,
  I32Load16S = 0x2e,
  I32Load16U = 0x2f,
  I32Store = 0x36,
  I32Store8 = 0x3a,
  I32Store16 = 0x3b,
  I32Const = 0x41,
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
  I32RemS = 0x6f,
  I32And = 0x71,
  I32Or = 0x72,
  I32Xor = 0x73,
  I32Shl = 0x74,
  I32ShrS = 0x75,
  I32ShrU = 0x76,
}

/** Block types. */
export const VOID = 0x40;
export const I32 = 0x7f;

export { sleb, uleb } from "../../../waveforms/wasm-leb.ts";
import { uleb } from "../../../waveforms/wasm-leb.ts";

export function section(id: number, payload: readonly number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

export function wasmName(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: its length, then its items. */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export const SECTION = { type: 1, import: 2, function: 3, global: 6, export: 7, code: 10 } as const;
export const EXPORT_FUNC = 0x00;
export const EXPORT_GLOBAL = 0x03;
export const IMPORT_MEMORY = 0x02;
export const MAGIC_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] as const;
